SELECT
  "t11"."country",
  "t11"."period",
  COUNT(CAST("t11"."touches" AS DOUBLE)) AS "n",
  SUM(CAST("t11"."touches" AS DOUBLE)) AS "s",
  SUM(CAST("t11"."touches" AS DOUBLE) * CAST("t11"."touches" AS DOUBLE)) AS "ss"
FROM (
  SELECT
    "t10"."country",
    "t10"."grain" AS "period",
    "t10"."customer_id",
    "t10"."touches",
    "t10"."channels",
    (
      (
        (
          (
            (
              "t10"."mask" - (
                (
                  "t10"."mask" >> 1
                ) & 1431655765
              )
            ) & 858993459
          ) + (
            (
              (
                "t10"."mask" - (
                  (
                    "t10"."mask" >> 1
                  ) & 1431655765
                )
              ) >> 2
            ) & 858993459
          ) + (
            (
              (
                (
                  "t10"."mask" - (
                    (
                      "t10"."mask" >> 1
                    ) & 1431655765
                  )
                ) & 858993459
              ) + (
                (
                  (
                    "t10"."mask" - (
                      (
                        "t10"."mask" >> 1
                      ) & 1431655765
                    )
                  ) >> 2
                ) & 858993459
              )
            ) >> 4
          )
        ) & 252645135
      ) + (
        (
          (
            (
              (
                "t10"."mask" - (
                  (
                    "t10"."mask" >> 1
                  ) & 1431655765
                )
              ) & 858993459
            ) + (
              (
                (
                  "t10"."mask" - (
                    (
                      "t10"."mask" >> 1
                    ) & 1431655765
                  )
                ) >> 2
              ) & 858993459
            ) + (
              (
                (
                  (
                    "t10"."mask" - (
                      (
                        "t10"."mask" >> 1
                      ) & 1431655765
                    )
                  ) & 858993459
                ) + (
                  (
                    (
                      "t10"."mask" - (
                        (
                          "t10"."mask" >> 1
                        ) & 1431655765
                      )
                    ) >> 2
                  ) & 858993459
                )
              ) >> 4
            )
          ) & 252645135
        ) >> 8
      ) + (
        (
          (
            (
              (
                (
                  "t10"."mask" - (
                    (
                      "t10"."mask" >> 1
                    ) & 1431655765
                  )
                ) & 858993459
              ) + (
                (
                  (
                    "t10"."mask" - (
                      (
                        "t10"."mask" >> 1
                      ) & 1431655765
                    )
                  ) >> 2
                ) & 858993459
              ) + (
                (
                  (
                    (
                      "t10"."mask" - (
                        (
                          "t10"."mask" >> 1
                        ) & 1431655765
                      )
                    ) & 858993459
                  ) + (
                    (
                      (
                        "t10"."mask" - (
                          (
                            "t10"."mask" >> 1
                          ) & 1431655765
                        )
                      ) >> 2
                    ) & 858993459
                  )
                ) >> 4
              )
            ) & 252645135
          ) + (
            (
              (
                (
                  (
                    "t10"."mask" - (
                      (
                        "t10"."mask" >> 1
                      ) & 1431655765
                    )
                  ) & 858993459
                ) + (
                  (
                    (
                      "t10"."mask" - (
                        (
                          "t10"."mask" >> 1
                        ) & 1431655765
                      )
                    ) >> 2
                  ) & 858993459
                ) + (
                  (
                    (
                      (
                        "t10"."mask" - (
                          (
                            "t10"."mask" >> 1
                          ) & 1431655765
                        )
                      ) & 858993459
                    ) + (
                      (
                        (
                          "t10"."mask" - (
                            (
                              "t10"."mask" >> 1
                            ) & 1431655765
                          )
                        ) >> 2
                      ) & 858993459
                    )
                  ) >> 4
                )
              ) & 252645135
            ) >> 8
          )
        ) >> 16
      )
    ) & 63 AS "days"
  FROM (
    SELECT
      "t9"."country",
      "t9"."customer_id",
      "t9"."grain",
      SUM("t9"."touches") AS "touches",
      BIT_OR("t9"."days") AS "mask",
      COUNT(*) AS "channels"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t7"."country",
          "t7"."customer_id",
          "t7"."channel",
          "t7"."grain",
          COUNT(*) AS "touches",
          BIT_OR("t7"."bit") AS "days"
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
                EXTRACT(year FROM "t6"."at") * 12
              ) + EXTRACT(month FROM "t6"."at")
            ) - 1 AS "grain",
            1 << CAST(EXTRACT(day FROM "t6"."at") - 1 AS INT) AS "bit"
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
        ) AS "t7"
        GROUP BY
          1,
          2,
          3,
          4
      ) AS "t8"
      WHERE
        "t8"."customer_id" IS NOT NULL
    ) AS "t9"
    GROUP BY
      1,
      2,
      3
  ) AS "t10"
) AS "t11"
GROUP BY
  1,
  2
