WITH "t8" AS (
  SELECT
    "t7"."country",
    "t7"."first",
    "t7"."last",
    "t7"."ended",
    GREATEST(
      MAX("t7"."ended") OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
      MAX("t7"."first") OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    ) AS "as_of"
  FROM (
    SELECT
      "t6"."country",
      CAST(FLOOR((
        EPOCH(CAST("t6"."started_at" AS TIMESTAMP))
      ) / (
        86400
      )) AS BIGINT) AS "first",
      COALESCE(
        CAST(FLOOR((
          EPOCH(CAST("t6"."ended_at" AS TIMESTAMP))
        ) / (
          86400
        )) AS BIGINT),
        2000000
      ) AS "last",
      CAST(FLOOR((
        EPOCH(CAST("t6"."ended_at" AS TIMESTAMP))
      ) / (
        86400
      )) AS BIGINT) AS "ended"
    FROM (
      SELECT
        "t5"."customer_id",
        "t5"."plan",
        "t5"."status",
        "t5"."currency",
        "t5"."started_at",
        "t5"."ended_at",
        "t5"."at",
        "t5"."mrr",
        "t4"."c_country" AS "country"
      FROM (
        SELECT
          "t0"."customer_id",
          "t0"."plan",
          "t0"."status",
          "t0"."currency",
          "t0"."started_at",
          "t0"."ended_at",
          "t0"."started_at" AS "at",
          CAST("t0"."mrr" AS DOUBLE) AS "mrr"
        FROM "subscriptions" AS "t0"
      ) AS "t5"
      LEFT OUTER JOIN (
        SELECT
          "t1"."id" AS "cid",
          "t1"."country" AS "c_country"
        FROM "customers" AS "t1"
      ) AS "t4"
        ON "t5"."customer_id" = "t4"."cid"
    ) AS "t6"
  ) AS "t7"
), "t11" AS (
  SELECT
    "t9"."country",
    "t9"."first",
    "t9"."last",
    "t9"."ended",
    "t9"."as_of",
    (
      (
        (
          CAST(FLOOR(
            (
              (
                (
                  (
                    (
                      "t9"."first" + 719468
                    ) - (
                      CAST(FLOOR((
                        "t9"."first" + 719468
                      ) / (
                        146097
                      )) AS BIGINT) * 146097
                    )
                  ) - CAST(FLOOR(
                    (
                      (
                        "t9"."first" + 719468
                      ) - (
                        CAST(FLOOR((
                          "t9"."first" + 719468
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
                      "t9"."first" + 719468
                    ) - (
                      CAST(FLOOR((
                        "t9"."first" + 719468
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
                    "t9"."first" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t9"."first" + 719468
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
              "t9"."first" + 719468
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
                          "t9"."first" + 719468
                        ) - (
                          CAST(FLOOR((
                            "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t9"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
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
                                      "t9"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."first" + 719468
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
                                          "t9"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t9"."first" + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t9"."first" + 719468
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
                                          "t9"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t9"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
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
                                      "t9"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."first" + 719468
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
                          "t9"."first" + 719468
                        ) - (
                          CAST(FLOOR((
                            "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t9"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
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
                                      "t9"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."first" + 719468
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
                                          "t9"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t9"."first" + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t9"."first" + 719468
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
                                          "t9"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t9"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
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
                                      "t9"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."first" + 719468
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
                          "t9"."first" + 719468
                        ) - (
                          CAST(FLOOR((
                            "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t9"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
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
                                      "t9"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."first" + 719468
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
                                          "t9"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."first" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t9"."first" + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t9"."first" + 719468
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
                                          "t9"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t9"."first" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."first" + 719468
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
                                        "t9"."first" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."first" + 719468
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
                                      "t9"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."first" + 719468
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
                    "t9"."first" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t9"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
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
                                "t9"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t9"."first" + 719468
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
                                    "t9"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t9"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."first" + 719468
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
                                    "t9"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t9"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
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
                                "t9"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t9"."first" + 719468
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
                    "t9"."first" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t9"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
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
                                "t9"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t9"."first" + 719468
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
                                    "t9"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t9"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."first" + 719468
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
                                    "t9"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t9"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
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
                                "t9"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t9"."first" + 719468
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
                    "t9"."first" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t9"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
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
                                "t9"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t9"."first" + 719468
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
                                    "t9"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."first" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t9"."first" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."first" + 719468
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
                                    "t9"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t9"."first" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."first" + 719468
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
                                  "t9"."first" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."first" + 719468
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
                                "t9"."first" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t9"."first" + 719468
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
                      "t9"."last" + 719468
                    ) - (
                      CAST(FLOOR((
                        "t9"."last" + 719468
                      ) / (
                        146097
                      )) AS BIGINT) * 146097
                    )
                  ) - CAST(FLOOR(
                    (
                      (
                        "t9"."last" + 719468
                      ) - (
                        CAST(FLOOR((
                          "t9"."last" + 719468
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
                      "t9"."last" + 719468
                    ) - (
                      CAST(FLOOR((
                        "t9"."last" + 719468
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
                    "t9"."last" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t9"."last" + 719468
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
              "t9"."last" + 719468
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
                          "t9"."last" + 719468
                        ) - (
                          CAST(FLOOR((
                            "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t9"."last" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
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
                                      "t9"."last" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."last" + 719468
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
                                          "t9"."last" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."last" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t9"."last" + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t9"."last" + 719468
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
                                          "t9"."last" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t9"."last" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
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
                                      "t9"."last" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."last" + 719468
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
                          "t9"."last" + 719468
                        ) - (
                          CAST(FLOOR((
                            "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t9"."last" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
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
                                      "t9"."last" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."last" + 719468
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
                                          "t9"."last" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."last" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t9"."last" + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t9"."last" + 719468
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
                                          "t9"."last" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t9"."last" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
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
                                      "t9"."last" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."last" + 719468
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
                          "t9"."last" + 719468
                        ) - (
                          CAST(FLOOR((
                            "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t9"."last" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
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
                                      "t9"."last" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."last" + 719468
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
                                          "t9"."last" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."last" + 719468
                                          ) / (
                                            146097
                                          )) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            "t9"."last" + 719468
                                          ) - (
                                            CAST(FLOOR((
                                              "t9"."last" + 719468
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
                                          "t9"."last" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
                                        ) / (
                                          146097
                                        )) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          "t9"."last" + 719468
                                        ) - (
                                          CAST(FLOOR((
                                            "t9"."last" + 719468
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
                                        "t9"."last" + 719468
                                      ) - (
                                        CAST(FLOOR((
                                          "t9"."last" + 719468
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
                                      "t9"."last" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."last" + 719468
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
                    "t9"."last" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t9"."last" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
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
                                "t9"."last" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t9"."last" + 719468
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
                                    "t9"."last" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."last" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t9"."last" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."last" + 719468
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
                                    "t9"."last" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t9"."last" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
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
                                "t9"."last" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t9"."last" + 719468
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
                    "t9"."last" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t9"."last" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
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
                                "t9"."last" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t9"."last" + 719468
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
                                    "t9"."last" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."last" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t9"."last" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."last" + 719468
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
                                    "t9"."last" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t9"."last" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
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
                                "t9"."last" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t9"."last" + 719468
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
                    "t9"."last" + 719468
                  ) - (
                    CAST(FLOOR((
                      "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t9"."last" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
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
                                "t9"."last" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t9"."last" + 719468
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
                                    "t9"."last" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."last" + 719468
                                    ) / (
                                      146097
                                    )) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      "t9"."last" + 719468
                                    ) - (
                                      CAST(FLOOR((
                                        "t9"."last" + 719468
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
                                    "t9"."last" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
                                  ) / (
                                    146097
                                  )) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    "t9"."last" + 719468
                                  ) - (
                                    CAST(FLOOR((
                                      "t9"."last" + 719468
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
                                  "t9"."last" + 719468
                                ) - (
                                  CAST(FLOOR((
                                    "t9"."last" + 719468
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
                                "t9"."last" + 719468
                              ) - (
                                CAST(FLOOR((
                                  "t9"."last" + 719468
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
    ) - 1 AS "b"
  FROM "t8" AS "t9"
)
SELECT
  "t19"."country",
  "t19"."n",
  "t19"."k",
  "t19"."p" AS "period"
FROM (
  SELECT
    "t18"."country",
    "t18"."p",
    "t18"."starts",
    "t18"."ends",
    "t18"."same",
    (
      SUM("t18"."starts") OVER (
        PARTITION BY "t18"."country"
        ORDER BY "t18"."p" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) - "t18"."starts"
    ) - (
      SUM("t18"."ends") OVER (
        PARTITION BY "t18"."country"
        ORDER BY "t18"."p" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) - "t18"."ends"
    ) AS "n",
    "t18"."ends" - "t18"."same" AS "k"
  FROM (
    SELECT
      "t17"."country",
      "t17"."p",
      SUM("t17"."starts") AS "starts",
      SUM("t17"."ends") AS "ends",
      SUM("t17"."same") AS "same"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t13"."country",
          "t13"."a" AS "p",
          "t13"."starts",
          0 AS "ends",
          0 AS "same"
        FROM (
          SELECT
            "t12"."country",
            "t12"."a",
            COUNT(*) AS "starts"
          FROM "t11" AS "t12"
          GROUP BY
            1,
            2
        ) AS "t13"
      ) AS "t14"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t15"."country",
          "t15"."b" AS "p",
          0 AS "starts",
          "t15"."ends",
          "t15"."same"
        FROM (
          SELECT
            "t12"."country",
            "t12"."b",
            COUNT(*) AS "ends",
            SUM(CASE WHEN "t12"."a" = "t12"."b" THEN 1 ELSE 0 END) AS "same"
          FROM "t11" AS "t12"
          GROUP BY
            1,
            2
        ) AS "t15"
      ) AS "t16"
    ) AS "t17"
    GROUP BY
      1,
      2
  ) AS "t18"
) AS "t19"
WHERE
  "t19"."n" > 0
  AND "t19"."p" < (
    (
      (
        (
          CAST(FLOOR(
            (
              (
                (
                  (
                    (
                      (
                        SELECT
                          MAX("t9"."as_of") AS "Max(as_of)"
                        FROM "t8" AS "t9"
                      ) + 1 + 719468
                    ) - (
                      CAST(FLOOR(
                        (
                          (
                            SELECT
                              MAX("t9"."as_of") AS "Max(as_of)"
                            FROM "t8" AS "t9"
                          ) + 1 + 719468
                        ) / (
                          146097
                        )
                      ) AS BIGINT) * 146097
                    )
                  ) - CAST(FLOOR(
                    (
                      (
                        (
                          SELECT
                            MAX("t9"."as_of") AS "Max(as_of)"
                          FROM "t8" AS "t9"
                        ) + 1 + 719468
                      ) - (
                        CAST(FLOOR(
                          (
                            (
                              SELECT
                                MAX("t9"."as_of") AS "Max(as_of)"
                              FROM "t8" AS "t9"
                            ) + 1 + 719468
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
                      (
                        SELECT
                          MAX("t9"."as_of") AS "Max(as_of)"
                        FROM "t8" AS "t9"
                      ) + 1 + 719468
                    ) - (
                      CAST(FLOOR(
                        (
                          (
                            SELECT
                              MAX("t9"."as_of") AS "Max(as_of)"
                            FROM "t8" AS "t9"
                          ) + 1 + 719468
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
                    (
                      SELECT
                        MAX("t9"."as_of") AS "Max(as_of)"
                      FROM "t8" AS "t9"
                    ) + 1 + 719468
                  ) - (
                    CAST(FLOOR(
                      (
                        (
                          SELECT
                            MAX("t9"."as_of") AS "Max(as_of)"
                          FROM "t8" AS "t9"
                        ) + 1 + 719468
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
                (
                  SELECT
                    MAX("t9"."as_of") AS "Max(as_of)"
                  FROM "t8" AS "t9"
                ) + 1 + 719468
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
                          (
                            SELECT
                              MAX("t9"."as_of") AS "Max(as_of)"
                            FROM "t8" AS "t9"
                          ) + 1 + 719468
                        ) - (
                          CAST(FLOOR(
                            (
                              (
                                SELECT
                                  MAX("t9"."as_of") AS "Max(as_of)"
                                FROM "t8" AS "t9"
                              ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              (
                                                SELECT
                                                  MAX("t9"."as_of") AS "Max(as_of)"
                                                FROM "t8" AS "t9"
                                              ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
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
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
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
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              (
                                                SELECT
                                                  MAX("t9"."as_of") AS "Max(as_of)"
                                                FROM "t8" AS "t9"
                                              ) + 1 + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                (
                                                  SELECT
                                                    MAX("t9"."as_of") AS "Max(as_of)"
                                                  FROM "t8" AS "t9"
                                                ) + 1 + 719468
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
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              (
                                                SELECT
                                                  MAX("t9"."as_of") AS "Max(as_of)"
                                                FROM "t8" AS "t9"
                                              ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              (
                                                SELECT
                                                  MAX("t9"."as_of") AS "Max(as_of)"
                                                FROM "t8" AS "t9"
                                              ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
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
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
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
                          (
                            SELECT
                              MAX("t9"."as_of") AS "Max(as_of)"
                            FROM "t8" AS "t9"
                          ) + 1 + 719468
                        ) - (
                          CAST(FLOOR(
                            (
                              (
                                SELECT
                                  MAX("t9"."as_of") AS "Max(as_of)"
                                FROM "t8" AS "t9"
                              ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              (
                                                SELECT
                                                  MAX("t9"."as_of") AS "Max(as_of)"
                                                FROM "t8" AS "t9"
                                              ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
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
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
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
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              (
                                                SELECT
                                                  MAX("t9"."as_of") AS "Max(as_of)"
                                                FROM "t8" AS "t9"
                                              ) + 1 + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                (
                                                  SELECT
                                                    MAX("t9"."as_of") AS "Max(as_of)"
                                                  FROM "t8" AS "t9"
                                                ) + 1 + 719468
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
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              (
                                                SELECT
                                                  MAX("t9"."as_of") AS "Max(as_of)"
                                                FROM "t8" AS "t9"
                                              ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              (
                                                SELECT
                                                  MAX("t9"."as_of") AS "Max(as_of)"
                                                FROM "t8" AS "t9"
                                              ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
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
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
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
                          (
                            SELECT
                              MAX("t9"."as_of") AS "Max(as_of)"
                            FROM "t8" AS "t9"
                          ) + 1 + 719468
                        ) - (
                          CAST(FLOOR(
                            (
                              (
                                SELECT
                                  MAX("t9"."as_of") AS "Max(as_of)"
                                FROM "t8" AS "t9"
                              ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              (
                                                SELECT
                                                  MAX("t9"."as_of") AS "Max(as_of)"
                                                FROM "t8" AS "t9"
                                              ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
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
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
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
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              (
                                                SELECT
                                                  MAX("t9"."as_of") AS "Max(as_of)"
                                                FROM "t8" AS "t9"
                                              ) + 1 + 719468
                                            ) / (
                                              146097
                                            )
                                          ) AS BIGINT) * 146097
                                        )
                                      ) - CAST(FLOOR(
                                        (
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
                                          ) - (
                                            CAST(FLOOR(
                                              (
                                                (
                                                  SELECT
                                                    MAX("t9"."as_of") AS "Max(as_of)"
                                                  FROM "t8" AS "t9"
                                                ) + 1 + 719468
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
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              (
                                                SELECT
                                                  MAX("t9"."as_of") AS "Max(as_of)"
                                                FROM "t8" AS "t9"
                                              ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
                                          ) / (
                                            146097
                                          )
                                        ) AS BIGINT) * 146097
                                      )
                                    ) - CAST(FLOOR(
                                      (
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
                                        ) - (
                                          CAST(FLOOR(
                                            (
                                              (
                                                SELECT
                                                  MAX("t9"."as_of") AS "Max(as_of)"
                                                FROM "t8" AS "t9"
                                              ) + 1 + 719468
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
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) - (
                                        CAST(FLOOR(
                                          (
                                            (
                                              SELECT
                                                MAX("t9"."as_of") AS "Max(as_of)"
                                              FROM "t8" AS "t9"
                                            ) + 1 + 719468
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
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
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
                    (
                      SELECT
                        MAX("t9"."as_of") AS "Max(as_of)"
                      FROM "t8" AS "t9"
                    ) + 1 + 719468
                  ) - (
                    CAST(FLOOR(
                      (
                        (
                          SELECT
                            MAX("t9"."as_of") AS "Max(as_of)"
                          FROM "t8" AS "t9"
                        ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) / (
                                      146097
                                    )
                                  ) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
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
                                (
                                  SELECT
                                    MAX("t9"."as_of") AS "Max(as_of)"
                                  FROM "t8" AS "t9"
                                ) + 1 + 719468
                              ) - (
                                CAST(FLOOR(
                                  (
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
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
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
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
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) / (
                                      146097
                                    )
                                  ) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
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
                                (
                                  SELECT
                                    MAX("t9"."as_of") AS "Max(as_of)"
                                  FROM "t8" AS "t9"
                                ) + 1 + 719468
                              ) - (
                                CAST(FLOOR(
                                  (
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
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
                    (
                      SELECT
                        MAX("t9"."as_of") AS "Max(as_of)"
                      FROM "t8" AS "t9"
                    ) + 1 + 719468
                  ) - (
                    CAST(FLOOR(
                      (
                        (
                          SELECT
                            MAX("t9"."as_of") AS "Max(as_of)"
                          FROM "t8" AS "t9"
                        ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) / (
                                      146097
                                    )
                                  ) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
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
                                (
                                  SELECT
                                    MAX("t9"."as_of") AS "Max(as_of)"
                                  FROM "t8" AS "t9"
                                ) + 1 + 719468
                              ) - (
                                CAST(FLOOR(
                                  (
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
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
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
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
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) / (
                                      146097
                                    )
                                  ) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
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
                                (
                                  SELECT
                                    MAX("t9"."as_of") AS "Max(as_of)"
                                  FROM "t8" AS "t9"
                                ) + 1 + 719468
                              ) - (
                                CAST(FLOOR(
                                  (
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
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
                    (
                      SELECT
                        MAX("t9"."as_of") AS "Max(as_of)"
                      FROM "t8" AS "t9"
                    ) + 1 + 719468
                  ) - (
                    CAST(FLOOR(
                      (
                        (
                          SELECT
                            MAX("t9"."as_of") AS "Max(as_of)"
                          FROM "t8" AS "t9"
                        ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) / (
                                      146097
                                    )
                                  ) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
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
                                (
                                  SELECT
                                    MAX("t9"."as_of") AS "Max(as_of)"
                                  FROM "t8" AS "t9"
                                ) + 1 + 719468
                              ) - (
                                CAST(FLOOR(
                                  (
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
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
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
                                      ) / (
                                        146097
                                      )
                                    ) AS BIGINT) * 146097
                                  )
                                ) - CAST(FLOOR(
                                  (
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) - (
                                      CAST(FLOOR(
                                        (
                                          (
                                            SELECT
                                              MAX("t9"."as_of") AS "Max(as_of)"
                                            FROM "t8" AS "t9"
                                          ) + 1 + 719468
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
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
                                    ) / (
                                      146097
                                    )
                                  ) AS BIGINT) * 146097
                                )
                              ) - CAST(FLOOR(
                                (
                                  (
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
                                  ) - (
                                    CAST(FLOOR(
                                      (
                                        (
                                          SELECT
                                            MAX("t9"."as_of") AS "Max(as_of)"
                                          FROM "t8" AS "t9"
                                        ) + 1 + 719468
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
                                  (
                                    SELECT
                                      MAX("t9"."as_of") AS "Max(as_of)"
                                    FROM "t8" AS "t9"
                                  ) + 1 + 719468
                                ) - (
                                  CAST(FLOOR(
                                    (
                                      (
                                        SELECT
                                          MAX("t9"."as_of") AS "Max(as_of)"
                                        FROM "t8" AS "t9"
                                      ) + 1 + 719468
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
                                (
                                  SELECT
                                    MAX("t9"."as_of") AS "Max(as_of)"
                                  FROM "t8" AS "t9"
                                ) + 1 + 719468
                              ) - (
                                CAST(FLOOR(
                                  (
                                    (
                                      SELECT
                                        MAX("t9"."as_of") AS "Max(as_of)"
                                      FROM "t8" AS "t9"
                                    ) + 1 + 719468
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
    ) - 1
  )
