SELECT
  "t8"."country",
  "t8"."period",
  COUNT(CAST("t8"."days" AS DOUBLE)) AS "n",
  SUM(CAST("t8"."days" AS DOUBLE)) AS "s",
  SUM(CAST("t8"."days" AS DOUBLE) * CAST("t8"."days" AS DOUBLE)) AS "ss"
FROM (
  SELECT
    "t7"."country",
    "t7"."period",
    "t7"."customer_id",
    COUNT(
      DISTINCT CAST(FLOOR((
        EPOCH(CAST("t7"."at" AS TIMESTAMP))
      ) / (
        86400
      )) AS BIGINT)
    ) AS "days",
    COUNT(*) AS "touches",
    COUNT(DISTINCT "t7"."channel") AS "channels"
  FROM (
    SELECT
      "t6"."customer_id",
      "t6"."channel",
      "t6"."kind",
      "t6"."touchpoint",
      "t6"."campaign",
      "t6"."at",
      "t6"."country",
      (
        (
          (
            CAST(FLOOR(
              (
                (
                  (
                    (
                      (
                        CAST(FLOOR((
                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                        ) / (
                          86400
                        )) AS BIGINT) + 719468
                      ) - (
                        CAST(FLOOR(
                          (
                            CAST(FLOOR((
                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                            ) / (
                              86400
                            )) AS BIGINT) + 719468
                          ) / (
                            146097
                          )
                        ) AS BIGINT) * 146097
                      )
                    ) - CAST(FLOOR(
                      (
                        (
                          CAST(FLOOR((
                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                          ) / (
                            86400
                          )) AS BIGINT) + 719468
                        ) - (
                          CAST(FLOOR(
                            (
                              CAST(FLOOR((
                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                              ) / (
                                86400
                              )) AS BIGINT) + 719468
                            ) / (
                              146097
                            )
                          ) AS BIGINT) * 146097
                        )
                      ) / (
                        1460
                      )
                    ) AS BIGINT)
                  ) + CAST(FLOOR(
                    (
                      (
                        CAST(FLOOR((
                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                        ) / (
                          86400
                        )) AS BIGINT) + 719468
                      ) - (
                        CAST(FLOOR(
                          (
                            CAST(FLOOR((
                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                            ) / (
                              86400
                            )) AS BIGINT) + 719468
                          ) / (
                            146097
                          )
                        ) AS BIGINT) * 146097
                      )
                    ) / (
                      36524
                    )
                  ) AS BIGINT)
                ) - CAST(FLOOR(
                  (
                    (
                      CAST(FLOOR((
                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                      ) / (
                        86400
                      )) AS BIGINT) + 719468
                    ) - (
                      CAST(FLOOR(
                        (
                          CAST(FLOOR((
                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                          ) / (
                            86400
                          )) AS BIGINT) + 719468
                        ) / (
                          146097
                        )
                      ) AS BIGINT) * 146097
                    )
                  ) / (
                    146096
                  )
                ) AS BIGINT)
              ) / (
                365
              )
            ) AS BIGINT) + (
              CAST(FLOOR(
                (
                  CAST(FLOOR((
                    EPOCH(CAST("t6"."at" AS TIMESTAMP))
                  ) / (
                    86400
                  )) AS BIGINT) + 719468
                ) / (
                  146097
                )
              ) AS BIGINT) * 400
            ) + CASE
              WHEN CASE
                WHEN CAST(FLOOR(
                  (
                    (
                      (
                        (
                          (
                            CAST(FLOOR((
                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                            ) / (
                              86400
                            )) AS BIGINT) + 719468
                          ) - (
                            CAST(FLOOR(
                              (
                                CAST(FLOOR((
                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                ) / (
                                  86400
                                )) AS BIGINT) + 719468
                              ) / (
                                146097
                              )
                            ) AS BIGINT) * 146097
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
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                CAST(FLOOR((
                                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                ) / (
                                                  86400
                                                )) AS BIGINT) + 719468
                                              ) / (
                                                146097
                                              )
                                            ) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
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
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                CAST(FLOOR((
                                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                ) / (
                                                  86400
                                                )) AS BIGINT) + 719468
                                              ) / (
                                                146097
                                              )
                                            ) AS BIGINT) * 146097
                                          )
                                        ) - CAST(FLOOR(
                                          (
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) - (
                                              CAST(FLOOR(
                                                (
                                                  CAST(FLOOR((
                                                    EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                  ) / (
                                                    86400
                                                  )) AS BIGINT) + 719468
                                                ) / (
                                                  146097
                                                )
                                              ) AS BIGINT) * 146097
                                            )
                                          ) / (
                                            1460
                                          )
                                        ) AS BIGINT)
                                      ) + CAST(FLOOR(
                                        (
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                CAST(FLOOR((
                                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                ) / (
                                                  86400
                                                )) AS BIGINT) + 719468
                                              ) / (
                                                146097
                                              )
                                            ) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          36524
                                        )
                                      ) AS BIGINT)
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
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
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                CAST(FLOOR((
                                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                ) / (
                                                  86400
                                                )) AS BIGINT) + 719468
                                              ) / (
                                                146097
                                              )
                                            ) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
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
                            CAST(FLOOR((
                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                            ) / (
                              86400
                            )) AS BIGINT) + 719468
                          ) - (
                            CAST(FLOOR(
                              (
                                CAST(FLOOR((
                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                ) / (
                                  86400
                                )) AS BIGINT) + 719468
                              ) / (
                                146097
                              )
                            ) AS BIGINT) * 146097
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
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                CAST(FLOOR((
                                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                ) / (
                                                  86400
                                                )) AS BIGINT) + 719468
                                              ) / (
                                                146097
                                              )
                                            ) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
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
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                CAST(FLOOR((
                                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                ) / (
                                                  86400
                                                )) AS BIGINT) + 719468
                                              ) / (
                                                146097
                                              )
                                            ) AS BIGINT) * 146097
                                          )
                                        ) - CAST(FLOOR(
                                          (
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) - (
                                              CAST(FLOOR(
                                                (
                                                  CAST(FLOOR((
                                                    EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                  ) / (
                                                    86400
                                                  )) AS BIGINT) + 719468
                                                ) / (
                                                  146097
                                                )
                                              ) AS BIGINT) * 146097
                                            )
                                          ) / (
                                            1460
                                          )
                                        ) AS BIGINT)
                                      ) + CAST(FLOOR(
                                        (
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                CAST(FLOOR((
                                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                ) / (
                                                  86400
                                                )) AS BIGINT) + 719468
                                              ) / (
                                                146097
                                              )
                                            ) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          36524
                                        )
                                      ) AS BIGINT)
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
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
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                CAST(FLOOR((
                                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                ) / (
                                                  86400
                                                )) AS BIGINT) + 719468
                                              ) / (
                                                146097
                                              )
                                            ) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
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
                            CAST(FLOOR((
                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                            ) / (
                              86400
                            )) AS BIGINT) + 719468
                          ) - (
                            CAST(FLOOR(
                              (
                                CAST(FLOOR((
                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                ) / (
                                  86400
                                )) AS BIGINT) + 719468
                              ) / (
                                146097
                              )
                            ) AS BIGINT) * 146097
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
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                CAST(FLOOR((
                                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                ) / (
                                                  86400
                                                )) AS BIGINT) + 719468
                                              ) / (
                                                146097
                                              )
                                            ) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
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
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                CAST(FLOOR((
                                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                ) / (
                                                  86400
                                                )) AS BIGINT) + 719468
                                              ) / (
                                                146097
                                              )
                                            ) AS BIGINT) * 146097
                                          )
                                        ) - CAST(FLOOR(
                                          (
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) - (
                                              CAST(FLOOR(
                                                (
                                                  CAST(FLOOR((
                                                    EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                  ) / (
                                                    86400
                                                  )) AS BIGINT) + 719468
                                                ) / (
                                                  146097
                                                )
                                              ) AS BIGINT) * 146097
                                            )
                                          ) / (
                                            1460
                                          )
                                        ) AS BIGINT)
                                      ) + CAST(FLOOR(
                                        (
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                CAST(FLOOR((
                                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                ) / (
                                                  86400
                                                )) AS BIGINT) + 719468
                                              ) / (
                                                146097
                                              )
                                            ) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          36524
                                        )
                                      ) AS BIGINT)
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
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
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                CAST(FLOOR((
                                                  EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                                ) / (
                                                  86400
                                                )) AS BIGINT) + 719468
                                              ) / (
                                                146097
                                              )
                                            ) AS BIGINT) * 146097
                                          )
                                        ) / (
                                          1460
                                        )
                                      ) AS BIGINT)
                                    ) + CAST(FLOOR(
                                      (
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              CAST(FLOOR((
                                                EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                              ) / (
                                                86400
                                              )) AS BIGINT) + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) / (
                                        36524
                                      )
                                    ) AS BIGINT)
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
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
                      CAST(FLOOR((
                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                      ) / (
                        86400
                      )) AS BIGINT) + 719468
                    ) - (
                      CAST(FLOOR(
                        (
                          CAST(FLOOR((
                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                          ) / (
                            86400
                          )) AS BIGINT) + 719468
                        ) / (
                          146097
                        )
                      ) AS BIGINT) * 146097
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
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) / (
                                          146097
                                        )
                                      ) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  CAST(FLOOR((
                                    EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                  ) / (
                                    86400
                                  )) AS BIGINT) + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) / (
                                      146097
                                    )
                                  ) AS BIGINT) * 146097
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
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) / (
                                          146097
                                        )
                                      ) AS BIGINT) * 146097
                                    )
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      1460
                                    )
                                  ) AS BIGINT)
                                ) + CAST(FLOOR(
                                  (
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) / (
                                          146097
                                        )
                                      ) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    36524
                                  )
                                ) AS BIGINT)
                              ) - CAST(FLOOR(
                                (
                                  (
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
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
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) / (
                                          146097
                                        )
                                      ) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  CAST(FLOOR((
                                    EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                  ) / (
                                    86400
                                  )) AS BIGINT) + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) / (
                                      146097
                                    )
                                  ) AS BIGINT) * 146097
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
                      CAST(FLOOR((
                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                      ) / (
                        86400
                      )) AS BIGINT) + 719468
                    ) - (
                      CAST(FLOOR(
                        (
                          CAST(FLOOR((
                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                          ) / (
                            86400
                          )) AS BIGINT) + 719468
                        ) / (
                          146097
                        )
                      ) AS BIGINT) * 146097
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
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) / (
                                          146097
                                        )
                                      ) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  CAST(FLOOR((
                                    EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                  ) / (
                                    86400
                                  )) AS BIGINT) + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) / (
                                      146097
                                    )
                                  ) AS BIGINT) * 146097
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
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) / (
                                          146097
                                        )
                                      ) AS BIGINT) * 146097
                                    )
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      1460
                                    )
                                  ) AS BIGINT)
                                ) + CAST(FLOOR(
                                  (
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) / (
                                          146097
                                        )
                                      ) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    36524
                                  )
                                ) AS BIGINT)
                              ) - CAST(FLOOR(
                                (
                                  (
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
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
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) / (
                                          146097
                                        )
                                      ) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  CAST(FLOOR((
                                    EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                  ) / (
                                    86400
                                  )) AS BIGINT) + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) / (
                                      146097
                                    )
                                  ) AS BIGINT) * 146097
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
                      CAST(FLOOR((
                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                      ) / (
                        86400
                      )) AS BIGINT) + 719468
                    ) - (
                      CAST(FLOOR(
                        (
                          CAST(FLOOR((
                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                          ) / (
                            86400
                          )) AS BIGINT) + 719468
                        ) / (
                          146097
                        )
                      ) AS BIGINT) * 146097
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
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) / (
                                          146097
                                        )
                                      ) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  CAST(FLOOR((
                                    EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                  ) / (
                                    86400
                                  )) AS BIGINT) + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) / (
                                      146097
                                    )
                                  ) AS BIGINT) * 146097
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
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) / (
                                          146097
                                        )
                                      ) AS BIGINT) * 146097
                                    )
                                  ) - CAST(FLOOR(
                                    (
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            CAST(FLOOR((
                                              EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                            ) / (
                                              86400
                                            )) AS BIGINT) + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
                                      )
                                    ) / (
                                      1460
                                    )
                                  ) AS BIGINT)
                                ) + CAST(FLOOR(
                                  (
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) / (
                                          146097
                                        )
                                      ) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    36524
                                  )
                                ) AS BIGINT)
                              ) - CAST(FLOOR(
                                (
                                  (
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
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
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          CAST(FLOOR((
                                            EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                          ) / (
                                            86400
                                          )) AS BIGINT) + 719468
                                        ) / (
                                          146097
                                        )
                                      ) AS BIGINT) * 146097
                                    )
                                  ) / (
                                    1460
                                  )
                                ) AS BIGINT)
                              ) + CAST(FLOOR(
                                (
                                  (
                                    CAST(FLOOR((
                                      EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                    ) / (
                                      86400
                                    )) AS BIGINT) + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        CAST(FLOOR((
                                          EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                        ) / (
                                          86400
                                        )) AS BIGINT) + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) / (
                                  36524
                                )
                              ) AS BIGINT)
                            ) - CAST(FLOOR(
                              (
                                (
                                  CAST(FLOOR((
                                    EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                  ) / (
                                    86400
                                  )) AS BIGINT) + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      CAST(FLOOR((
                                        EPOCH(CAST("t6"."at" AS TIMESTAMP))
                                      ) / (
                                        86400
                                      )) AS BIGINT) + 719468
                                    ) / (
                                      146097
                                    )
                                  ) AS BIGINT) * 146097
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
      ) - 1 AS "period"
    FROM (
      SELECT
        "t4"."customer_id",
        "t4"."channel",
        "t4"."kind",
        "t4"."touchpoint",
        "t4"."campaign",
        "t4"."at",
        "t5"."c_country" AS "country"
      FROM (
        SELECT
          "t0"."customer_id",
          "t0"."channel",
          "t0"."kind",
          "t0"."touchpoint",
          "t0"."campaign",
          "t0"."occurred_at" AS "at"
        FROM "interactions" AS "t0"
      ) AS "t4"
      LEFT OUTER JOIN (
        SELECT
          "t1"."id" AS "cid",
          "t1"."country" AS "c_country"
        FROM "customers" AS "t1"
      ) AS "t5"
        ON "t4"."customer_id" = "t5"."cid"
    ) AS "t6"
    WHERE
      "t6"."customer_id" IS NOT NULL
  ) AS "t7"
  GROUP BY
    1,
    2,
    3
) AS "t8"
GROUP BY
  1,
  2
