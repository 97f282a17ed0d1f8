WITH "t21" AS (
  SELECT
    "t20"."country",
    "t20"."customer_id",
    "t20"."spell",
    (
      (
        (
          CAST(FLOOR((
            MIN("t20"."day") + 719468
          ) / (
            146097
          )) AS BIGINT) * 400
        ) + CAST(FLOOR(
          (
            (
              (
                (
                  (
                    MIN("t20"."day") + 719468
                  ) % 146097
                ) - CAST(FLOOR((
                  (
                    MIN("t20"."day") + 719468
                  ) % 146097
                ) / (
                  1460
                )) AS BIGINT)
              ) + CAST(FLOOR((
                (
                  MIN("t20"."day") + 719468
                ) % 146097
              ) / (
                36524
              )) AS BIGINT)
            ) - CAST(FLOOR((
              (
                MIN("t20"."day") + 719468
              ) % 146097
            ) / (
              146096
            )) AS BIGINT)
          ) / (
            365
          )
        ) AS BIGINT)
      ) * 12
    ) + CAST(FLOOR(
      (
        (
          (
            (
              (
                MIN("t20"."day") + 719468
              ) % 146097
            ) - (
              (
                (
                  CAST(FLOOR(
                    (
                      (
                        (
                          (
                            (
                              MIN("t20"."day") + 719468
                            ) % 146097
                          ) - CAST(FLOOR((
                            (
                              MIN("t20"."day") + 719468
                            ) % 146097
                          ) / (
                            1460
                          )) AS BIGINT)
                        ) + CAST(FLOOR((
                          (
                            MIN("t20"."day") + 719468
                          ) % 146097
                        ) / (
                          36524
                        )) AS BIGINT)
                      ) - CAST(FLOOR((
                        (
                          MIN("t20"."day") + 719468
                        ) % 146097
                      ) / (
                        146096
                      )) AS BIGINT)
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
                                MIN("t20"."day") + 719468
                              ) % 146097
                            ) - CAST(FLOOR((
                              (
                                MIN("t20"."day") + 719468
                              ) % 146097
                            ) / (
                              1460
                            )) AS BIGINT)
                          ) + CAST(FLOOR((
                            (
                              MIN("t20"."day") + 719468
                            ) % 146097
                          ) / (
                            36524
                          )) AS BIGINT)
                        ) - CAST(FLOOR((
                          (
                            MIN("t20"."day") + 719468
                          ) % 146097
                        ) / (
                          146096
                        )) AS BIGINT)
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
                              MIN("t20"."day") + 719468
                            ) % 146097
                          ) - CAST(FLOOR((
                            (
                              MIN("t20"."day") + 719468
                            ) % 146097
                          ) / (
                            1460
                          )) AS BIGINT)
                        ) + CAST(FLOOR((
                          (
                            MIN("t20"."day") + 719468
                          ) % 146097
                        ) / (
                          36524
                        )) AS BIGINT)
                      ) - CAST(FLOOR((
                        (
                          MIN("t20"."day") + 719468
                        ) % 146097
                      ) / (
                        146096
                      )) AS BIGINT)
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
    ) AS BIGINT) + 2 AS "a",
    (
      (
        (
          CAST(FLOOR((
            MAX("t20"."day") + 180 + 719468
          ) / (
            146097
          )) AS BIGINT) * 400
        ) + CAST(FLOOR(
          (
            (
              (
                (
                  (
                    MAX("t20"."day") + 180 + 719468
                  ) % 146097
                ) - CAST(FLOOR((
                  (
                    MAX("t20"."day") + 180 + 719468
                  ) % 146097
                ) / (
                  1460
                )) AS BIGINT)
              ) + CAST(FLOOR((
                (
                  MAX("t20"."day") + 180 + 719468
                ) % 146097
              ) / (
                36524
              )) AS BIGINT)
            ) - CAST(FLOOR((
              (
                MAX("t20"."day") + 180 + 719468
              ) % 146097
            ) / (
              146096
            )) AS BIGINT)
          ) / (
            365
          )
        ) AS BIGINT)
      ) * 12
    ) + CAST(FLOOR(
      (
        (
          (
            (
              (
                MAX("t20"."day") + 180 + 719468
              ) % 146097
            ) - (
              (
                (
                  CAST(FLOOR(
                    (
                      (
                        (
                          (
                            (
                              MAX("t20"."day") + 180 + 719468
                            ) % 146097
                          ) - CAST(FLOOR((
                            (
                              MAX("t20"."day") + 180 + 719468
                            ) % 146097
                          ) / (
                            1460
                          )) AS BIGINT)
                        ) + CAST(FLOOR((
                          (
                            MAX("t20"."day") + 180 + 719468
                          ) % 146097
                        ) / (
                          36524
                        )) AS BIGINT)
                      ) - CAST(FLOOR((
                        (
                          MAX("t20"."day") + 180 + 719468
                        ) % 146097
                      ) / (
                        146096
                      )) AS BIGINT)
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
                                MAX("t20"."day") + 180 + 719468
                              ) % 146097
                            ) - CAST(FLOOR((
                              (
                                MAX("t20"."day") + 180 + 719468
                              ) % 146097
                            ) / (
                              1460
                            )) AS BIGINT)
                          ) + CAST(FLOOR((
                            (
                              MAX("t20"."day") + 180 + 719468
                            ) % 146097
                          ) / (
                            36524
                          )) AS BIGINT)
                        ) - CAST(FLOOR((
                          (
                            MAX("t20"."day") + 180 + 719468
                          ) % 146097
                        ) / (
                          146096
                        )) AS BIGINT)
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
                              MAX("t20"."day") + 180 + 719468
                            ) % 146097
                          ) - CAST(FLOOR((
                            (
                              MAX("t20"."day") + 180 + 719468
                            ) % 146097
                          ) / (
                            1460
                          )) AS BIGINT)
                        ) + CAST(FLOOR((
                          (
                            MAX("t20"."day") + 180 + 719468
                          ) % 146097
                        ) / (
                          36524
                        )) AS BIGINT)
                      ) - CAST(FLOOR((
                        (
                          MAX("t20"."day") + 180 + 719468
                        ) % 146097
                      ) / (
                        146096
                      )) AS BIGINT)
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
    ) AS BIGINT) + 2 AS "b",
    (
      (
        (
          CAST(FLOOR((
            MAX("t20"."day") + 1 + 719468
          ) / (
            146097
          )) AS BIGINT) * 400
        ) + CAST(FLOOR(
          (
            (
              (
                (
                  (
                    MAX("t20"."day") + 1 + 719468
                  ) % 146097
                ) - CAST(FLOOR((
                  (
                    MAX("t20"."day") + 1 + 719468
                  ) % 146097
                ) / (
                  1460
                )) AS BIGINT)
              ) + CAST(FLOOR((
                (
                  MAX("t20"."day") + 1 + 719468
                ) % 146097
              ) / (
                36524
              )) AS BIGINT)
            ) - CAST(FLOOR((
              (
                MAX("t20"."day") + 1 + 719468
              ) % 146097
            ) / (
              146096
            )) AS BIGINT)
          ) / (
            365
          )
        ) AS BIGINT)
      ) * 12
    ) + CAST(FLOOR(
      (
        (
          (
            (
              (
                MAX("t20"."day") + 1 + 719468
              ) % 146097
            ) - (
              (
                (
                  CAST(FLOOR(
                    (
                      (
                        (
                          (
                            (
                              MAX("t20"."day") + 1 + 719468
                            ) % 146097
                          ) - CAST(FLOOR((
                            (
                              MAX("t20"."day") + 1 + 719468
                            ) % 146097
                          ) / (
                            1460
                          )) AS BIGINT)
                        ) + CAST(FLOOR((
                          (
                            MAX("t20"."day") + 1 + 719468
                          ) % 146097
                        ) / (
                          36524
                        )) AS BIGINT)
                      ) - CAST(FLOOR((
                        (
                          MAX("t20"."day") + 1 + 719468
                        ) % 146097
                      ) / (
                        146096
                      )) AS BIGINT)
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
                                MAX("t20"."day") + 1 + 719468
                              ) % 146097
                            ) - CAST(FLOOR((
                              (
                                MAX("t20"."day") + 1 + 719468
                              ) % 146097
                            ) / (
                              1460
                            )) AS BIGINT)
                          ) + CAST(FLOOR((
                            (
                              MAX("t20"."day") + 1 + 719468
                            ) % 146097
                          ) / (
                            36524
                          )) AS BIGINT)
                        ) - CAST(FLOOR((
                          (
                            MAX("t20"."day") + 1 + 719468
                          ) % 146097
                        ) / (
                          146096
                        )) AS BIGINT)
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
                              MAX("t20"."day") + 1 + 719468
                            ) % 146097
                          ) - CAST(FLOOR((
                            (
                              MAX("t20"."day") + 1 + 719468
                            ) % 146097
                          ) / (
                            1460
                          )) AS BIGINT)
                        ) + CAST(FLOOR((
                          (
                            MAX("t20"."day") + 1 + 719468
                          ) % 146097
                        ) / (
                          36524
                        )) AS BIGINT)
                      ) - CAST(FLOOR((
                        (
                          MAX("t20"."day") + 1 + 719468
                        ) % 146097
                      ) / (
                        146096
                      )) AS BIGINT)
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
    ) AS BIGINT) + 2 AS "bound"
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
          "t17"."day"
        FROM (
          SELECT
            "t16"."country",
            "t16"."customer_id",
            "t16"."day",
            COUNT(*) AS "orders",
            SUM(CASE WHEN "t16"."purchase" THEN 1 ELSE 0 END) AS "purchases",
            SUM(CASE WHEN "t16"."purchase" THEN "t16"."gross" ELSE 0.0 END) AS "gross",
            SUM(CASE WHEN "t16"."purchase" THEN "t16"."gross" * "t16"."gross" ELSE 0.0 END) AS "gross2",
            SUM("t16"."net") AS "net",
            SUM("t16"."units") AS "units",
            SUM("t16"."returned_units") AS "back",
            SUM("t16"."units" * "t16"."units") AS "units2",
            SUM("t16"."returned_units" * "t16"."returned_units") AS "back2",
            SUM("t16"."units" * "t16"."returned_units") AS "units_back"
          FROM (
            SELECT
              "t15"."order_id",
              "t15"."customer_id",
              "t15"."at",
              "t15"."channel",
              "t15"."status",
              "t15"."currency",
              "t15"."units",
              "t15"."returned_units",
              "t15"."gross",
              "t15"."net",
              "t15"."purchase",
              "t15"."country",
              CAST(FLOOR((
                EPOCH(CAST("t15"."at" AS TIMESTAMP))
              ) / (
                86400
              )) AS BIGINT) AS "day"
            FROM (
              SELECT
                "t14"."order_id",
                "t8"."customer_id",
                "t8"."at",
                "t8"."channel",
                "t8"."status",
                "t8"."currency",
                "t14"."units",
                "t14"."returned_units",
                "t14"."gross",
                "t14"."net",
                (
                  "t8"."status" <> 'cancelled'
                ) AND (
                  "t14"."units" > 0
                ) AS "purchase",
                "t9"."c_country" AS "country"
              FROM (
                SELECT
                  "t12"."order_id",
                  SUM(
                    CASE WHEN "t12"."quantity" > 0 THEN CAST("t12"."quantity" AS DOUBLE) ELSE 0.0 END
                  ) AS "units",
                  SUM(
                    CASE
                      WHEN "t12"."quantity" > 0
                      THEN 0.0
                      ELSE -(
                        CAST("t12"."quantity" AS DOUBLE)
                      )
                    END
                  ) AS "returned_units",
                  SUM(CASE WHEN "t12"."quantity" > 0 THEN "t12"."value" ELSE 0.0 END) AS "gross",
                  SUM("t12"."value") AS "net"
                FROM (
                  SELECT
                    "t11"."order_id",
                    "t11"."category",
                    "t11"."sku",
                    "t11"."quantity",
                    (
                      CAST("t11"."quantity" AS DOUBLE) * CAST("t11"."unit_price" AS DOUBLE)
                    ) - COALESCE(CAST("t11"."discount" AS DOUBLE), 0.0) AS "value"
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
                ) AS "t12"
                GROUP BY
                  1
              ) AS "t14"
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
                ON "t14"."order_id" = "t8"."oid"
              LEFT OUTER JOIN (
                SELECT
                  "t1"."id" AS "cid",
                  "t1"."country" AS "c_country"
                FROM "customers" AS "t1"
              ) AS "t9"
                ON "t8"."customer_id" = "t9"."cid"
            ) AS "t15"
          ) AS "t16"
          GROUP BY
            1,
            2,
            3
        ) AS "t17"
        WHERE
          "t17"."purchases" > 0 AND "t17"."customer_id" IS NOT NULL
      ) AS "t18"
    ) AS "t19"
  ) AS "t20"
  GROUP BY
    1,
    2,
    3
)
SELECT
  "t29"."country",
  "t29"."n",
  "t29"."n" - "t29"."k" AS "k",
  "t29"."p" AS "period"
FROM (
  SELECT
    "t28"."country",
    "t28"."p",
    "t28"."starts",
    "t28"."ends",
    "t28"."same",
    "t28"."top",
    (
      SUM("t28"."starts") OVER (
        PARTITION BY "t28"."country"
        ORDER BY "t28"."p" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) - "t28"."starts"
    ) - (
      SUM("t28"."ends") OVER (
        PARTITION BY "t28"."country"
        ORDER BY "t28"."p" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) - "t28"."ends"
    ) AS "n",
    "t28"."ends" - "t28"."same" AS "k",
    MAX("t28"."top") OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS "bound"
  FROM (
    SELECT
      "t27"."country",
      "t27"."p",
      SUM("t27"."starts") AS "starts",
      SUM("t27"."ends") AS "ends",
      SUM("t27"."same") AS "same",
      MAX("t27"."top") AS "top"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t23"."country",
          "t23"."a" AS "p",
          "t23"."starts",
          "t23"."top",
          0 AS "ends",
          0 AS "same"
        FROM (
          SELECT
            "t22"."country",
            "t22"."a",
            COUNT(*) AS "starts",
            MAX("t22"."bound") AS "top"
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
          "t24"."country",
          "t24"."b" AS "p",
          0 AS "starts",
          CAST(NULL AS BIGINT) AS "top",
          "t24"."ends",
          "t24"."same"
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
        ) AS "t24"
      ) AS "t26"
    ) AS "t27"
    GROUP BY
      1,
      2
  ) AS "t28"
) AS "t29"
WHERE
  "t29"."n" > 0 AND "t29"."p" < "t29"."bound"
