WITH "t22" AS (
  SELECT
    "t21"."country",
    "t21"."customer_id",
    "t21"."spell",
    "t21"."first",
    "t21"."last",
    (
      (
        (
          CAST(FLOOR(
            (
              (
                (
                  (
                    (
                      "t21"."first" + 719468
                    ) - (
                      CAST(FLOOR((
                        "t21"."first" + 719468
                      ) / (
                        146097
                      )) AS BIGINT) * 146097
                    )
                  ) - CAST(FLOOR(
                    (
                      (
                        "t21"."first" + 719468
                      ) - (
                        CAST(FLOOR((
                          "t21"."first" + 719468
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
                      "t21"."first" + 719468
                    ) - (
                      CAST(FLOOR((
                        "t21"."first" + 719468
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
                    "t21"."first" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t21"."first" + 719468
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
              "t21"."first" + 719468
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
                          "t21"."first" + 719468
                        ) - (
                          CAST(FLOOR((
                            "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
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
                                      "t21"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."first" + 719468
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
                                          "t21"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t21"."first" + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t21"."first" + 719468
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
                                          "t21"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
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
                                      "t21"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."first" + 719468
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
                          "t21"."first" + 719468
                        ) - (
                          CAST(FLOOR((
                            "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
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
                                      "t21"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."first" + 719468
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
                                          "t21"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t21"."first" + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t21"."first" + 719468
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
                                          "t21"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
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
                                      "t21"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."first" + 719468
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
                          "t21"."first" + 719468
                        ) - (
                          CAST(FLOOR((
                            "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
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
                                      "t21"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."first" + 719468
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
                                          "t21"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t21"."first" + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t21"."first" + 719468
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
                                          "t21"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."first" + 719468
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
                                        "t21"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."first" + 719468
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
                                      "t21"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."first" + 719468
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
                    "t21"."first" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
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
                                "t21"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."first" + 719468
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
                                    "t21"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t21"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."first" + 719468
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
                                    "t21"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
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
                                "t21"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."first" + 719468
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
                    "t21"."first" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
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
                                "t21"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."first" + 719468
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
                                    "t21"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t21"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."first" + 719468
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
                                    "t21"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
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
                                "t21"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."first" + 719468
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
                    "t21"."first" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
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
                                "t21"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."first" + 719468
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
                                    "t21"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t21"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."first" + 719468
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
                                    "t21"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."first" + 719468
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
                                  "t21"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."first" + 719468
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
                                "t21"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."first" + 719468
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
                      "t21"."last" + 180 + 719468
                    ) - (
                      CAST(FLOOR((
                        "t21"."last" + 180 + 719468
                      ) / (
                        146097
                      )) AS BIGINT) * 146097
                    )
                  ) - CAST(FLOOR(
                    (
                      (
                        "t21"."last" + 180 + 719468
                      ) - (
                        CAST(FLOOR((
                          "t21"."last" + 180 + 719468
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
                      "t21"."last" + 180 + 719468
                    ) - (
                      CAST(FLOOR((
                        "t21"."last" + 180 + 719468
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
                    "t21"."last" + 180 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t21"."last" + 180 + 719468
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
              "t21"."last" + 180 + 719468
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
                          "t21"."last" + 180 + 719468
                        ) - (
                          CAST(FLOOR((
                            "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
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
                                      "t21"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 180 + 719468
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
                                          "t21"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t21"."last" + 180 + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t21"."last" + 180 + 719468
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
                                          "t21"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
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
                                      "t21"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 180 + 719468
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
                          "t21"."last" + 180 + 719468
                        ) - (
                          CAST(FLOOR((
                            "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
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
                                      "t21"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 180 + 719468
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
                                          "t21"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t21"."last" + 180 + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t21"."last" + 180 + 719468
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
                                          "t21"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
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
                                      "t21"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 180 + 719468
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
                          "t21"."last" + 180 + 719468
                        ) - (
                          CAST(FLOOR((
                            "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
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
                                      "t21"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 180 + 719468
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
                                          "t21"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 180 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t21"."last" + 180 + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t21"."last" + 180 + 719468
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
                                          "t21"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."last" + 180 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 180 + 719468
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
                                        "t21"."last" + 180 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 180 + 719468
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
                                      "t21"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 180 + 719468
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
                    "t21"."last" + 180 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
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
                                "t21"."last" + 180 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."last" + 180 + 719468
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
                                    "t21"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t21"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 180 + 719468
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
                                    "t21"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
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
                                "t21"."last" + 180 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."last" + 180 + 719468
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
                    "t21"."last" + 180 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
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
                                "t21"."last" + 180 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."last" + 180 + 719468
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
                                    "t21"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t21"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 180 + 719468
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
                                    "t21"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
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
                                "t21"."last" + 180 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."last" + 180 + 719468
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
                    "t21"."last" + 180 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
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
                                "t21"."last" + 180 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."last" + 180 + 719468
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
                                    "t21"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 180 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t21"."last" + 180 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 180 + 719468
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
                                    "t21"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."last" + 180 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 180 + 719468
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
                                  "t21"."last" + 180 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 180 + 719468
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
                                "t21"."last" + 180 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."last" + 180 + 719468
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
                      "t21"."last" + 1 + 719468
                    ) - (
                      CAST(FLOOR((
                        "t21"."last" + 1 + 719468
                      ) / (
                        146097
                      )) AS BIGINT) * 146097
                    )
                  ) - CAST(FLOOR(
                    (
                      (
                        "t21"."last" + 1 + 719468
                      ) - (
                        CAST(FLOOR((
                          "t21"."last" + 1 + 719468
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
                      "t21"."last" + 1 + 719468
                    ) - (
                      CAST(FLOOR((
                        "t21"."last" + 1 + 719468
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
                    "t21"."last" + 1 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t21"."last" + 1 + 719468
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
              "t21"."last" + 1 + 719468
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
                          "t21"."last" + 1 + 719468
                        ) - (
                          CAST(FLOOR((
                            "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
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
                                      "t21"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 1 + 719468
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
                                          "t21"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t21"."last" + 1 + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t21"."last" + 1 + 719468
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
                                          "t21"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
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
                                      "t21"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 1 + 719468
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
                          "t21"."last" + 1 + 719468
                        ) - (
                          CAST(FLOOR((
                            "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
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
                                      "t21"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 1 + 719468
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
                                          "t21"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t21"."last" + 1 + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t21"."last" + 1 + 719468
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
                                          "t21"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
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
                                      "t21"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 1 + 719468
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
                          "t21"."last" + 1 + 719468
                        ) - (
                          CAST(FLOOR((
                            "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
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
                                      "t21"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 1 + 719468
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
                                          "t21"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 1 + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t21"."last" + 1 + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t21"."last" + 1 + 719468
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
                                          "t21"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t21"."last" + 1 + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t21"."last" + 1 + 719468
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
                                        "t21"."last" + 1 + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t21"."last" + 1 + 719468
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
                                      "t21"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 1 + 719468
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
                    "t21"."last" + 1 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
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
                                "t21"."last" + 1 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."last" + 1 + 719468
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
                                    "t21"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t21"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 1 + 719468
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
                                    "t21"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
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
                                "t21"."last" + 1 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."last" + 1 + 719468
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
                    "t21"."last" + 1 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
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
                                "t21"."last" + 1 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."last" + 1 + 719468
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
                                    "t21"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t21"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 1 + 719468
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
                                    "t21"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
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
                                "t21"."last" + 1 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."last" + 1 + 719468
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
                    "t21"."last" + 1 + 719468
                  ) - (
                    CAST(FLOOR((
                      "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
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
                                "t21"."last" + 1 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."last" + 1 + 719468
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
                                    "t21"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 1 + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t21"."last" + 1 + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t21"."last" + 1 + 719468
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
                                    "t21"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t21"."last" + 1 + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t21"."last" + 1 + 719468
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
                                  "t21"."last" + 1 + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t21"."last" + 1 + 719468
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
                                "t21"."last" + 1 + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t21"."last" + 1 + 719468
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
      "t20"."country",
      "t20"."customer_id",
      "t20"."spell",
      MIN("t20"."day") AS "first",
      MAX("t20"."day") AS "last"
    FROM (
      SELECT
        "t19"."country",
        "t19"."customer_id",
        "t19"."day",
        "t19"."new",
        SUM("t19"."new") OVER (
          PARTITION BY "t19"."country", "t19"."customer_id"
          ORDER BY "t19"."day" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS "spell"
      FROM (
        SELECT
          "t18"."country",
          "t18"."customer_id",
          "t18"."day",
          CASE
            WHEN (
              LAG("t18"."day") OVER (
                PARTITION BY "t18"."country", "t18"."customer_id"
                ORDER BY "t18"."day" ASC
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
              ) IS NULL
            )
            OR (
              (
                "t18"."day" - LAG("t18"."day") OVER (
                  PARTITION BY "t18"."country", "t18"."customer_id"
                  ORDER BY "t18"."day" ASC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                )
              ) > 180
            )
            THEN 1
            ELSE 0
          END AS "new"
        FROM (
          SELECT DISTINCT
            "t17"."country",
            "t17"."customer_id",
            CAST(FLOOR((
              EPOCH(CAST("t17"."at" AS TIMESTAMP))
            ) / (
              86400
            )) AS BIGINT) AS "day"
          FROM (
            SELECT
              "t16"."order_id",
              "t8"."customer_id",
              "t8"."at",
              "t8"."channel",
              "t8"."status",
              "t8"."currency",
              "t16"."units",
              "t16"."returned_units",
              "t16"."gross",
              "t16"."net",
              (
                "t8"."status" <> 'cancelled'
              ) AND (
                "t16"."units" > 0
              ) AS "purchase",
              "t9"."c_country" AS "country"
            FROM (
              SELECT
                "t14"."order_id",
                SUM(CASE WHEN "t14"."quantity" > 0 THEN "t14"."quantity" ELSE 0 END) AS "units",
                SUM(CASE WHEN "t14"."quantity" > 0 THEN 0 ELSE -(
                  "t14"."quantity"
                ) END) AS "returned_units",
                SUM(CASE WHEN "t14"."quantity" > 0 THEN "t14"."value" ELSE 0.0 END) AS "gross",
                SUM("t14"."value") AS "net"
              FROM (
                SELECT
                  "t13"."order_id",
                  "t8"."customer_id",
                  "t8"."at",
                  "t8"."channel",
                  "t8"."status",
                  "t8"."currency",
                  "t13"."category",
                  "t13"."sku",
                  "t13"."quantity",
                  (
                    CAST("t13"."quantity" AS DOUBLE) * CAST("t13"."unit_price" AS DOUBLE)
                  ) - COALESCE(CAST("t13"."discount" AS DOUBLE), 0.0) AS "value"
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t4"."id",
                      "t4"."order_id",
                      "t4"."line_no",
                      "t4"."product_id",
                      "t4"."sku",
                      "t4"."quantity",
                      "t4"."unit_price",
                      "t4"."discount",
                      "t4"."returns_line_id",
                      "t10"."pid",
                      "t10"."category",
                      "t10"."merch"
                    FROM "order_lines" AS "t4"
                    LEFT OUTER JOIN (
                      SELECT
                        "t3"."id" AS "pid",
                        "t3"."category",
                        "t3"."is_merchandise" AS "merch"
                      FROM "products" AS "t3"
                    ) AS "t10"
                      ON "t4"."product_id" = "t10"."pid"
                  ) AS "t11"
                  WHERE
                    (
                      "t11"."merch" IS NULL
                    ) OR "t11"."merch"
                ) AS "t13"
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
                  ON "t13"."order_id" = "t8"."oid"
              ) AS "t14"
              GROUP BY
                1
            ) AS "t16"
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
              ON "t16"."order_id" = "t8"."oid"
            LEFT OUTER JOIN (
              SELECT
                "t1"."id" AS "cid",
                "t1"."country" AS "c_country"
              FROM "customers" AS "t1"
            ) AS "t9"
              ON "t8"."customer_id" = "t9"."cid"
          ) AS "t17"
          WHERE
            "t17"."purchase" AND "t17"."customer_id" IS NOT NULL
        ) AS "t18"
      ) AS "t19"
    ) AS "t20"
    GROUP BY
      1,
      2,
      3
  ) AS "t21"
)
SELECT
  "t31"."country",
  "t31"."n",
  "t31"."n" - "t31"."k" AS "k",
  "t31"."p" AS "period"
FROM (
  SELECT
    "t30"."country",
    "t30"."p",
    "t30"."starts",
    "t30"."ends",
    "t30"."same",
    (
      SUM("t30"."starts") OVER (
        PARTITION BY "t30"."country"
        ORDER BY "t30"."p" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) - "t30"."starts"
    ) - (
      SUM("t30"."ends") OVER (
        PARTITION BY "t30"."country"
        ORDER BY "t30"."p" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) - "t30"."ends"
    ) AS "n",
    "t30"."ends" - "t30"."same" AS "k"
  FROM (
    SELECT
      "t29"."country",
      "t29"."p",
      SUM("t29"."starts") AS "starts",
      SUM("t29"."ends") AS "ends",
      SUM("t29"."same") AS "same"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t24"."country",
          "t24"."a" AS "p",
          "t24"."starts",
          0 AS "ends",
          0 AS "same"
        FROM (
          SELECT
            "t23"."country",
            "t23"."a",
            COUNT(*) AS "starts"
          FROM "t22" AS "t23"
          GROUP BY
            1,
            2
        ) AS "t24"
      ) AS "t26"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t27"."country",
          "t27"."b" AS "p",
          0 AS "starts",
          "t27"."ends",
          "t27"."same"
        FROM (
          SELECT
            "t23"."country",
            "t23"."b",
            COUNT(*) AS "ends",
            SUM(CASE WHEN "t23"."a" = "t23"."b" THEN 1 ELSE 0 END) AS "same"
          FROM "t22" AS "t23"
          GROUP BY
            1,
            2
        ) AS "t27"
      ) AS "t28"
    ) AS "t29"
    GROUP BY
      1,
      2
  ) AS "t30"
) AS "t31"
WHERE
  "t31"."n" > 0
  AND "t31"."p" < (
    SELECT
      MAX("t23"."bound") AS "Max(bound)"
    FROM "t22" AS "t23"
  )
