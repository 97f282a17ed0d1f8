WITH "t21" AS (
  SELECT
    "t20"."country",
    "t20"."customer_id",
    "t20"."spell",
    "t20"."first",
    "t20"."last",
    (
      (
        (
          CAST(FLOOR(
            (
              (
                (
                  (
                    (
                      "t20"."first" + 719468
                    ) - (
                      CAST(FLOOR((
                        "t20"."first" + 719468
                      ) / (
                        146097
                      )) AS BIGINT) * 146097
                    )
                  ) - CAST(FLOOR(
                    (
                      (
                        "t20"."first" + 719468
                      ) - (
                        CAST(FLOOR((
                          "t20"."first" + 719468
                        ) / (
                          146097
                        )) AS BIGINT) * 146097
                      )
                    ) / (
                      1460
                    )
                  ) AS BIGINT)
                ) + CAST(FLOOR(
                  (
                    (
                      "t20"."first" + 719468
                    ) - (
                      CAST(FLOOR((
                        "t20"."first" + 719468
                      ) / (
                        146097
                      )) AS BIGINT) * 146097
                    )
                  ) / (
                    36524
                  )
                ) AS BIGINT)
              ) - CAST(FLOOR(
                (
                  (
                    "t20"."first" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t20"."first" + 719468
                    ) / (
                      146097
                    )) AS BIGINT) * 146097
                  )
                ) / (
                  146096
                )
              ) AS BIGINT)
            ) / (
              365
            )
          ) AS BIGINT) + (
            CAST(FLOOR((
              "t20"."first" + 719468
            ) / (
              146097
            )) AS BIGINT) * 400
          ) + CASE
            WHEN CASE
              WHEN CAST(FLOOR(
                (
                  (
                    (
                      (
                        (
                          "t20"."first" + 719468
                        ) - (
                          CAST(FLOOR((
                            "t20"."first" + 719468
                          ) / (
                            146097
                          )) AS BIGINT) * 146097
                        )
                      ) - (
                        (
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."first" + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT) * 365
                          ) + CAST(FLOOR(
                            (
                              CAST(FLOOR(
                                (
                                  (
                                    (
                                      (
                                        (
                                          "t20"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t20"."first" + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t20"."first" + 719468
                                            ) / (
                                              146097
                                            )) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          "t20"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      146096
                                    )
                                  ) AS BIGINT)
                                ) / (
                                  365
                                )
                              ) AS BIGINT)
                            ) / (
                              4
                            )
                          ) AS BIGINT)
                        ) - CAST(FLOOR(
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."first" + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT)
                          ) / (
                            100
                          )
                        ) AS BIGINT)
                      )
                    ) * 5
                  ) + 2
                ) / (
                  153
                )
              ) AS BIGINT) < 10
              THEN CAST(FLOOR(
                (
                  (
                    (
                      (
                        (
                          "t20"."first" + 719468
                        ) - (
                          CAST(FLOOR((
                            "t20"."first" + 719468
                          ) / (
                            146097
                          )) AS BIGINT) * 146097
                        )
                      ) - (
                        (
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."first" + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT) * 365
                          ) + CAST(FLOOR(
                            (
                              CAST(FLOOR(
                                (
                                  (
                                    (
                                      (
                                        (
                                          "t20"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t20"."first" + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t20"."first" + 719468
                                            ) / (
                                              146097
                                            )) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          "t20"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      146096
                                    )
                                  ) AS BIGINT)
                                ) / (
                                  365
                                )
                              ) AS BIGINT)
                            ) / (
                              4
                            )
                          ) AS BIGINT)
                        ) - CAST(FLOOR(
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."first" + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT)
                          ) / (
                            100
                          )
                        ) AS BIGINT)
                      )
                    ) * 5
                  ) + 2
                ) / (
                  153
                )
              ) AS BIGINT) + 3
              ELSE CAST(FLOOR(
                (
                  (
                    (
                      (
                        (
                          "t20"."first" + 719468
                        ) - (
                          CAST(FLOOR((
                            "t20"."first" + 719468
                          ) / (
                            146097
                          )) AS BIGINT) * 146097
                        )
                      ) - (
                        (
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."first" + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT) * 365
                          ) + CAST(FLOOR(
                            (
                              CAST(FLOOR(
                                (
                                  (
                                    (
                                      (
                                        (
                                          "t20"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t20"."first" + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t20"."first" + 719468
                                            ) / (
                                              146097
                                            )) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          "t20"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      146096
                                    )
                                  ) AS BIGINT)
                                ) / (
                                  365
                                )
                              ) AS BIGINT)
                            ) / (
                              4
                            )
                          ) AS BIGINT)
                        ) - CAST(FLOOR(
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."first" + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT)
                          ) / (
                            100
                          )
                        ) AS BIGINT)
                      )
                    ) * 5
                  ) + 2
                ) / (
                  153
                )
              ) AS BIGINT) - 9
            END <= 2
            THEN 1
            ELSE 0
          END
        ) * 12
      ) + CASE
        WHEN CAST(FLOOR(
          (
            (
              (
                (
                  (
                    "t20"."first" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t20"."first" + 719468
                    ) / (
                      146097
                    )) AS BIGINT) * 146097
                  )
                ) - (
                  (
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."first" + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT) * 365
                    ) + CAST(FLOOR(
                      (
                        CAST(FLOOR(
                          (
                            (
                              (
                                (
                                  (
                                    "t20"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."first" + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    "t20"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                146096
                              )
                            ) AS BIGINT)
                          ) / (
                            365
                          )
                        ) AS BIGINT)
                      ) / (
                        4
                      )
                    ) AS BIGINT)
                  ) - CAST(FLOOR(
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."first" + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT)
                    ) / (
                      100
                    )
                  ) AS BIGINT)
                )
              ) * 5
            ) + 2
          ) / (
            153
          )
        ) AS BIGINT) < 10
        THEN CAST(FLOOR(
          (
            (
              (
                (
                  (
                    "t20"."first" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t20"."first" + 719468
                    ) / (
                      146097
                    )) AS BIGINT) * 146097
                  )
                ) - (
                  (
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."first" + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT) * 365
                    ) + CAST(FLOOR(
                      (
                        CAST(FLOOR(
                          (
                            (
                              (
                                (
                                  (
                                    "t20"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."first" + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    "t20"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                146096
                              )
                            ) AS BIGINT)
                          ) / (
                            365
                          )
                        ) AS BIGINT)
                      ) / (
                        4
                      )
                    ) AS BIGINT)
                  ) - CAST(FLOOR(
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."first" + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT)
                    ) / (
                      100
                    )
                  ) AS BIGINT)
                )
              ) * 5
            ) + 2
          ) / (
            153
          )
        ) AS BIGINT) + 3
        ELSE CAST(FLOOR(
          (
            (
              (
                (
                  (
                    "t20"."first" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t20"."first" + 719468
                    ) / (
                      146097
                    )) AS BIGINT) * 146097
                  )
                ) - (
                  (
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."first" + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT) * 365
                    ) + CAST(FLOOR(
                      (
                        CAST(FLOOR(
                          (
                            (
                              (
                                (
                                  (
                                    "t20"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."first" + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    "t20"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                146096
                              )
                            ) AS BIGINT)
                          ) / (
                            365
                          )
                        ) AS BIGINT)
                      ) / (
                        4
                      )
                    ) AS BIGINT)
                  ) - CAST(FLOOR(
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."first" + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT)
                    ) / (
                      100
                    )
                  ) AS BIGINT)
                )
              ) * 5
            ) + 2
          ) / (
            153
          )
        ) AS BIGINT) - 9
      END
    ) - 1 AS "a",
    (
      (
        (
          CAST(FLOOR(
            (
              (
                (
                  (
                    (
                      "t20"."last" + 180 + 719468
                    ) - (
                      CAST(FLOOR((
                        "t20"."last" + 180 + 719468
                      ) / (
                        146097
                      )) AS BIGINT) * 146097
                    )
                  ) - CAST(FLOOR(
                    (
                      (
                        "t20"."last" + 180 + 719468
                      ) - (
                        CAST(FLOOR((
                          "t20"."last" + 180 + 719468
                        ) / (
                          146097
                        )) AS BIGINT) * 146097
                      )
                    ) / (
                      1460
                    )
                  ) AS BIGINT)
                ) + CAST(FLOOR(
                  (
                    (
                      "t20"."last" + 180 + 719468
                    ) - (
                      CAST(FLOOR((
                        "t20"."last" + 180 + 719468
                      ) / (
                        146097
                      )) AS BIGINT) * 146097
                    )
                  ) / (
                    36524
                  )
                ) AS BIGINT)
              ) - CAST(FLOOR(
                (
                  (
                    "t20"."last" + 180 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t20"."last" + 180 + 719468
                    ) / (
                      146097
                    )) AS BIGINT) * 146097
                  )
                ) / (
                  146096
                )
              ) AS BIGINT)
            ) / (
              365
            )
          ) AS BIGINT) + (
            CAST(FLOOR((
              "t20"."last" + 180 + 719468
            ) / (
              146097
            )) AS BIGINT) * 400
          ) + CASE
            WHEN CASE
              WHEN CAST(FLOOR(
                (
                  (
                    (
                      (
                        (
                          "t20"."last" + 180 + 719468
                        ) - (
                          CAST(FLOOR((
                            "t20"."last" + 180 + 719468
                          ) / (
                            146097
                          )) AS BIGINT) * 146097
                        )
                      ) - (
                        (
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 180 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT) * 365
                          ) + CAST(FLOOR(
                            (
                              CAST(FLOOR(
                                (
                                  (
                                    (
                                      (
                                        (
                                          "t20"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t20"."last" + 180 + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t20"."last" + 180 + 719468
                                            ) / (
                                              146097
                                            )) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      146096
                                    )
                                  ) AS BIGINT)
                                ) / (
                                  365
                                )
                              ) AS BIGINT)
                            ) / (
                              4
                            )
                          ) AS BIGINT)
                        ) - CAST(FLOOR(
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 180 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT)
                          ) / (
                            100
                          )
                        ) AS BIGINT)
                      )
                    ) * 5
                  ) + 2
                ) / (
                  153
                )
              ) AS BIGINT) < 10
              THEN CAST(FLOOR(
                (
                  (
                    (
                      (
                        (
                          "t20"."last" + 180 + 719468
                        ) - (
                          CAST(FLOOR((
                            "t20"."last" + 180 + 719468
                          ) / (
                            146097
                          )) AS BIGINT) * 146097
                        )
                      ) - (
                        (
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 180 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT) * 365
                          ) + CAST(FLOOR(
                            (
                              CAST(FLOOR(
                                (
                                  (
                                    (
                                      (
                                        (
                                          "t20"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t20"."last" + 180 + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t20"."last" + 180 + 719468
                                            ) / (
                                              146097
                                            )) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      146096
                                    )
                                  ) AS BIGINT)
                                ) / (
                                  365
                                )
                              ) AS BIGINT)
                            ) / (
                              4
                            )
                          ) AS BIGINT)
                        ) - CAST(FLOOR(
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 180 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT)
                          ) / (
                            100
                          )
                        ) AS BIGINT)
                      )
                    ) * 5
                  ) + 2
                ) / (
                  153
                )
              ) AS BIGINT) + 3
              ELSE CAST(FLOOR(
                (
                  (
                    (
                      (
                        (
                          "t20"."last" + 180 + 719468
                        ) - (
                          CAST(FLOOR((
                            "t20"."last" + 180 + 719468
                          ) / (
                            146097
                          )) AS BIGINT) * 146097
                        )
                      ) - (
                        (
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 180 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT) * 365
                          ) + CAST(FLOOR(
                            (
                              CAST(FLOOR(
                                (
                                  (
                                    (
                                      (
                                        (
                                          "t20"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t20"."last" + 180 + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t20"."last" + 180 + 719468
                                            ) / (
                                              146097
                                            )) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      146096
                                    )
                                  ) AS BIGINT)
                                ) / (
                                  365
                                )
                              ) AS BIGINT)
                            ) / (
                              4
                            )
                          ) AS BIGINT)
                        ) - CAST(FLOOR(
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 180 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT)
                          ) / (
                            100
                          )
                        ) AS BIGINT)
                      )
                    ) * 5
                  ) + 2
                ) / (
                  153
                )
              ) AS BIGINT) - 9
            END <= 2
            THEN 1
            ELSE 0
          END
        ) * 12
      ) + CASE
        WHEN CAST(FLOOR(
          (
            (
              (
                (
                  (
                    "t20"."last" + 180 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t20"."last" + 180 + 719468
                    ) / (
                      146097
                    )) AS BIGINT) * 146097
                  )
                ) - (
                  (
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."last" + 180 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."last" + 180 + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT) * 365
                    ) + CAST(FLOOR(
                      (
                        CAST(FLOOR(
                          (
                            (
                              (
                                (
                                  (
                                    "t20"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 180 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                146096
                              )
                            ) AS BIGINT)
                          ) / (
                            365
                          )
                        ) AS BIGINT)
                      ) / (
                        4
                      )
                    ) AS BIGINT)
                  ) - CAST(FLOOR(
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."last" + 180 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."last" + 180 + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT)
                    ) / (
                      100
                    )
                  ) AS BIGINT)
                )
              ) * 5
            ) + 2
          ) / (
            153
          )
        ) AS BIGINT) < 10
        THEN CAST(FLOOR(
          (
            (
              (
                (
                  (
                    "t20"."last" + 180 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t20"."last" + 180 + 719468
                    ) / (
                      146097
                    )) AS BIGINT) * 146097
                  )
                ) - (
                  (
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."last" + 180 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."last" + 180 + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT) * 365
                    ) + CAST(FLOOR(
                      (
                        CAST(FLOOR(
                          (
                            (
                              (
                                (
                                  (
                                    "t20"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 180 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                146096
                              )
                            ) AS BIGINT)
                          ) / (
                            365
                          )
                        ) AS BIGINT)
                      ) / (
                        4
                      )
                    ) AS BIGINT)
                  ) - CAST(FLOOR(
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."last" + 180 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."last" + 180 + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT)
                    ) / (
                      100
                    )
                  ) AS BIGINT)
                )
              ) * 5
            ) + 2
          ) / (
            153
          )
        ) AS BIGINT) + 3
        ELSE CAST(FLOOR(
          (
            (
              (
                (
                  (
                    "t20"."last" + 180 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t20"."last" + 180 + 719468
                    ) / (
                      146097
                    )) AS BIGINT) * 146097
                  )
                ) - (
                  (
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."last" + 180 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."last" + 180 + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT) * 365
                    ) + CAST(FLOOR(
                      (
                        CAST(FLOOR(
                          (
                            (
                              (
                                (
                                  (
                                    "t20"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 180 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                146096
                              )
                            ) AS BIGINT)
                          ) / (
                            365
                          )
                        ) AS BIGINT)
                      ) / (
                        4
                      )
                    ) AS BIGINT)
                  ) - CAST(FLOOR(
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."last" + 180 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."last" + 180 + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT)
                    ) / (
                      100
                    )
                  ) AS BIGINT)
                )
              ) * 5
            ) + 2
          ) / (
            153
          )
        ) AS BIGINT) - 9
      END
    ) - 1 AS "b",
    (
      (
        (
          CAST(FLOOR(
            (
              (
                (
                  (
                    (
                      "t20"."last" + 1 + 719468
                    ) - (
                      CAST(FLOOR((
                        "t20"."last" + 1 + 719468
                      ) / (
                        146097
                      )) AS BIGINT) * 146097
                    )
                  ) - CAST(FLOOR(
                    (
                      (
                        "t20"."last" + 1 + 719468
                      ) - (
                        CAST(FLOOR((
                          "t20"."last" + 1 + 719468
                        ) / (
                          146097
                        )) AS BIGINT) * 146097
                      )
                    ) / (
                      1460
                    )
                  ) AS BIGINT)
                ) + CAST(FLOOR(
                  (
                    (
                      "t20"."last" + 1 + 719468
                    ) - (
                      CAST(FLOOR((
                        "t20"."last" + 1 + 719468
                      ) / (
                        146097
                      )) AS BIGINT) * 146097
                    )
                  ) / (
                    36524
                  )
                ) AS BIGINT)
              ) - CAST(FLOOR(
                (
                  (
                    "t20"."last" + 1 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t20"."last" + 1 + 719468
                    ) / (
                      146097
                    )) AS BIGINT) * 146097
                  )
                ) / (
                  146096
                )
              ) AS BIGINT)
            ) / (
              365
            )
          ) AS BIGINT) + (
            CAST(FLOOR((
              "t20"."last" + 1 + 719468
            ) / (
              146097
            )) AS BIGINT) * 400
          ) + CASE
            WHEN CASE
              WHEN CAST(FLOOR(
                (
                  (
                    (
                      (
                        (
                          "t20"."last" + 1 + 719468
                        ) - (
                          CAST(FLOOR((
                            "t20"."last" + 1 + 719468
                          ) / (
                            146097
                          )) AS BIGINT) * 146097
                        )
                      ) - (
                        (
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 1 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT) * 365
                          ) + CAST(FLOOR(
                            (
                              CAST(FLOOR(
                                (
                                  (
                                    (
                                      (
                                        (
                                          "t20"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t20"."last" + 1 + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t20"."last" + 1 + 719468
                                            ) / (
                                              146097
                                            )) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      146096
                                    )
                                  ) AS BIGINT)
                                ) / (
                                  365
                                )
                              ) AS BIGINT)
                            ) / (
                              4
                            )
                          ) AS BIGINT)
                        ) - CAST(FLOOR(
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 1 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT)
                          ) / (
                            100
                          )
                        ) AS BIGINT)
                      )
                    ) * 5
                  ) + 2
                ) / (
                  153
                )
              ) AS BIGINT) < 10
              THEN CAST(FLOOR(
                (
                  (
                    (
                      (
                        (
                          "t20"."last" + 1 + 719468
                        ) - (
                          CAST(FLOOR((
                            "t20"."last" + 1 + 719468
                          ) / (
                            146097
                          )) AS BIGINT) * 146097
                        )
                      ) - (
                        (
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 1 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT) * 365
                          ) + CAST(FLOOR(
                            (
                              CAST(FLOOR(
                                (
                                  (
                                    (
                                      (
                                        (
                                          "t20"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t20"."last" + 1 + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t20"."last" + 1 + 719468
                                            ) / (
                                              146097
                                            )) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      146096
                                    )
                                  ) AS BIGINT)
                                ) / (
                                  365
                                )
                              ) AS BIGINT)
                            ) / (
                              4
                            )
                          ) AS BIGINT)
                        ) - CAST(FLOOR(
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 1 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT)
                          ) / (
                            100
                          )
                        ) AS BIGINT)
                      )
                    ) * 5
                  ) + 2
                ) / (
                  153
                )
              ) AS BIGINT) + 3
              ELSE CAST(FLOOR(
                (
                  (
                    (
                      (
                        (
                          "t20"."last" + 1 + 719468
                        ) - (
                          CAST(FLOOR((
                            "t20"."last" + 1 + 719468
                          ) / (
                            146097
                          )) AS BIGINT) * 146097
                        )
                      ) - (
                        (
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 1 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT) * 365
                          ) + CAST(FLOOR(
                            (
                              CAST(FLOOR(
                                (
                                  (
                                    (
                                      (
                                        (
                                          "t20"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t20"."last" + 1 + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t20"."last" + 1 + 719468
                                            ) / (
                                              146097
                                            )) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      146096
                                    )
                                  ) AS BIGINT)
                                ) / (
                                  365
                                )
                              ) AS BIGINT)
                            ) / (
                              4
                            )
                          ) AS BIGINT)
                        ) - CAST(FLOOR(
                          (
                            CAST(FLOOR(
                              (
                                (
                                  (
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t20"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t20"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        1460
                                      )
                                    ) AS BIGINT)
                                  ) + CAST(FLOOR(
                                    (
                                      (
                                        "t20"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t20"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      36524
                                    )
                                  ) AS BIGINT)
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 1 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    146096
                                  )
                                ) AS BIGINT)
                              ) / (
                                365
                              )
                            ) AS BIGINT)
                          ) / (
                            100
                          )
                        ) AS BIGINT)
                      )
                    ) * 5
                  ) + 2
                ) / (
                  153
                )
              ) AS BIGINT) - 9
            END <= 2
            THEN 1
            ELSE 0
          END
        ) * 12
      ) + CASE
        WHEN CAST(FLOOR(
          (
            (
              (
                (
                  (
                    "t20"."last" + 1 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t20"."last" + 1 + 719468
                    ) / (
                      146097
                    )) AS BIGINT) * 146097
                  )
                ) - (
                  (
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."last" + 1 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."last" + 1 + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT) * 365
                    ) + CAST(FLOOR(
                      (
                        CAST(FLOOR(
                          (
                            (
                              (
                                (
                                  (
                                    "t20"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 1 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                146096
                              )
                            ) AS BIGINT)
                          ) / (
                            365
                          )
                        ) AS BIGINT)
                      ) / (
                        4
                      )
                    ) AS BIGINT)
                  ) - CAST(FLOOR(
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."last" + 1 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."last" + 1 + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT)
                    ) / (
                      100
                    )
                  ) AS BIGINT)
                )
              ) * 5
            ) + 2
          ) / (
            153
          )
        ) AS BIGINT) < 10
        THEN CAST(FLOOR(
          (
            (
              (
                (
                  (
                    "t20"."last" + 1 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t20"."last" + 1 + 719468
                    ) / (
                      146097
                    )) AS BIGINT) * 146097
                  )
                ) - (
                  (
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."last" + 1 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."last" + 1 + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT) * 365
                    ) + CAST(FLOOR(
                      (
                        CAST(FLOOR(
                          (
                            (
                              (
                                (
                                  (
                                    "t20"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 1 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                146096
                              )
                            ) AS BIGINT)
                          ) / (
                            365
                          )
                        ) AS BIGINT)
                      ) / (
                        4
                      )
                    ) AS BIGINT)
                  ) - CAST(FLOOR(
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."last" + 1 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."last" + 1 + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT)
                    ) / (
                      100
                    )
                  ) AS BIGINT)
                )
              ) * 5
            ) + 2
          ) / (
            153
          )
        ) AS BIGINT) + 3
        ELSE CAST(FLOOR(
          (
            (
              (
                (
                  (
                    "t20"."last" + 1 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t20"."last" + 1 + 719468
                    ) / (
                      146097
                    )) AS BIGINT) * 146097
                  )
                ) - (
                  (
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."last" + 1 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."last" + 1 + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT) * 365
                    ) + CAST(FLOOR(
                      (
                        CAST(FLOOR(
                          (
                            (
                              (
                                (
                                  (
                                    "t20"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t20"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t20"."last" + 1 + 719468
                                      ) / (
                                        146097
                                      )) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                146096
                              )
                            ) AS BIGINT)
                          ) / (
                            365
                          )
                        ) AS BIGINT)
                      ) / (
                        4
                      )
                    ) AS BIGINT)
                  ) - CAST(FLOOR(
                    (
                      CAST(FLOOR(
                        (
                          (
                            (
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t20"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t20"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) / (
                                  1460
                                )
                              ) AS BIGINT)
                            ) + CAST(FLOOR(
                              (
                                (
                                  "t20"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t20"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) / (
                                36524
                              )
                            ) AS BIGINT)
                          ) - CAST(FLOOR(
                            (
                              (
                                "t20"."last" + 1 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t20"."last" + 1 + 719468
                                ) / (
                                  146097
                                )) AS BIGINT) * 146097
                              )
                            ) / (
                              146096
                            )
                          ) AS BIGINT)
                        ) / (
                          365
                        )
                      ) AS BIGINT)
                    ) / (
                      100
                    )
                  ) AS BIGINT)
                )
              ) * 5
            ) + 2
          ) / (
            153
          )
        ) AS BIGINT) - 9
      END
    ) - 1 AS "bound"
  FROM (
    SELECT
      "t19"."country",
      "t19"."customer_id",
      "t19"."spell",
      MIN("t19"."day") AS "first",
      MAX("t19"."day") AS "last"
    FROM (
      SELECT
        "t18"."country",
        "t18"."customer_id",
        "t18"."day",
        "t18"."new",
        SUM("t18"."new") OVER (
          PARTITION BY "t18"."country", "t18"."customer_id"
          ORDER BY "t18"."day" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS "spell"
      FROM (
        SELECT
          "t17"."country",
          "t17"."customer_id",
          "t17"."day",
          CASE
            WHEN (
              LAG("t17"."day") OVER (
                PARTITION BY "t17"."country", "t17"."customer_id"
                ORDER BY "t17"."day" ASC
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
              ) IS NULL
            )
            OR (
              (
                "t17"."day" - LAG("t17"."day") OVER (
                  PARTITION BY "t17"."country", "t17"."customer_id"
                  ORDER BY "t17"."day" ASC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                )
              ) > 180
            )
            THEN 1
            ELSE 0
          END AS "new"
        FROM (
          SELECT DISTINCT
            "t16"."country",
            "t16"."customer_id",
            CAST(FLOOR((
              EPOCH(CAST("t16"."at" AS TIMESTAMP))
            ) / (
              86400
            )) AS BIGINT) AS "day"
          FROM (
            SELECT
              "t15"."order_id",
              "t8"."customer_id",
              "t8"."at",
              "t8"."channel",
              "t8"."status",
              "t8"."currency",
              "t15"."units",
              "t15"."returned_units",
              "t15"."gross",
              "t15"."net",
              (
                "t8"."status" <> 'cancelled'
              ) AND (
                "t15"."units" > 0
              ) AS "purchase",
              "t9"."c_country" AS "country"
            FROM (
              SELECT
                "t13"."order_id",
                SUM(CASE WHEN "t13"."quantity" > 0 THEN "t13"."quantity" ELSE 0 END) AS "units",
                SUM(CASE WHEN "t13"."quantity" > 0 THEN 0 ELSE -(
                  "t13"."quantity"
                ) END) AS "returned_units",
                SUM(CASE WHEN "t13"."quantity" > 0 THEN "t13"."value" ELSE 0.0 END) AS "gross",
                SUM("t13"."value") AS "net"
              FROM (
                SELECT
                  "t12"."order_id",
                  "t12"."quantity",
                  (
                    CAST("t12"."quantity" AS DOUBLE) * CAST("t12"."unit_price" AS DOUBLE)
                  ) - COALESCE(CAST("t12"."discount" AS DOUBLE), 0.0) AS "value"
                FROM (
                  SELECT
                    "t10"."order_id",
                    "t10"."product_id",
                    "t10"."quantity",
                    "t10"."unit_price",
                    "t10"."discount",
                    "t11"."pid",
                    "t11"."merch"
                  FROM (
                    SELECT
                      "t2"."order_id",
                      "t2"."product_id",
                      "t2"."quantity",
                      "t2"."unit_price",
                      "t2"."discount"
                    FROM "order_lines" AS "t2"
                  ) AS "t10"
                  LEFT OUTER JOIN (
                    SELECT
                      "t3"."id" AS "pid",
                      "t3"."is_merchandise" AS "merch"
                    FROM "products" AS "t3"
                  ) AS "t11"
                    ON "t10"."product_id" = "t11"."pid"
                ) AS "t12"
                WHERE
                  (
                    "t12"."merch" IS NULL
                  ) OR "t12"."merch"
              ) AS "t13"
              GROUP BY
                1
            ) AS "t15"
            INNER JOIN (
              SELECT
                "t0"."id" AS "oid",
                "t0"."customer_id",
                "t0"."placed_at" AS "at",
                "t0"."channel",
                "t0"."status",
                "t0"."currency"
              FROM "orders" AS "t0"
            ) AS "t8"
              ON "t15"."order_id" = "t8"."oid"
            LEFT OUTER JOIN (
              SELECT
                "t1"."id" AS "cid",
                "t1"."country" AS "c_country"
              FROM "customers" AS "t1"
            ) AS "t9"
              ON "t8"."customer_id" = "t9"."cid"
          ) AS "t16"
          WHERE
            "t16"."purchase" AND "t16"."customer_id" IS NOT NULL
        ) AS "t17"
      ) AS "t18"
    ) AS "t19"
    GROUP BY
      1,
      2,
      3
  ) AS "t20"
)
SELECT
  "t30"."country",
  "t30"."n",
  "t30"."n" - "t30"."k" AS "k",
  "t30"."p" AS "period"
FROM (
  SELECT
    "t29"."country",
    "t29"."p",
    "t29"."starts",
    "t29"."ends",
    "t29"."same",
    (
      SUM("t29"."starts") OVER (
        PARTITION BY "t29"."country"
        ORDER BY "t29"."p" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) - "t29"."starts"
    ) - (
      SUM("t29"."ends") OVER (
        PARTITION BY "t29"."country"
        ORDER BY "t29"."p" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) - "t29"."ends"
    ) AS "n",
    "t29"."ends" - "t29"."same" AS "k"
  FROM (
    SELECT
      "t28"."country",
      "t28"."p",
      SUM("t28"."starts") AS "starts",
      SUM("t28"."ends") AS "ends",
      SUM("t28"."same") AS "same"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t23"."country",
          "t23"."a" AS "p",
          "t23"."starts",
          0 AS "ends",
          0 AS "same"
        FROM (
          SELECT
            "t22"."country",
            "t22"."a",
            COUNT(*) AS "starts"
          FROM "t21" AS "t22"
          GROUP BY
            1,
            2
        ) AS "t23"
      ) AS "t25"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t26"."country",
          "t26"."b" AS "p",
          0 AS "starts",
          "t26"."ends",
          "t26"."same"
        FROM (
          SELECT
            "t22"."country",
            "t22"."b",
            COUNT(*) AS "ends",
            SUM(CASE WHEN "t22"."a" = "t22"."b" THEN 1 ELSE 0 END) AS "same"
          FROM "t21" AS "t22"
          GROUP BY
            1,
            2
        ) AS "t26"
      ) AS "t27"
    ) AS "t28"
    GROUP BY
      1,
      2
  ) AS "t29"
) AS "t30"
WHERE
  "t30"."n" > 0
  AND "t30"."p" < (
    SELECT
      MAX("t22"."bound") AS "Max(bound)"
    FROM "t21" AS "t22"
  )
