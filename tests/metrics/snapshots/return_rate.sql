SELECT
  "t18"."country",
  "t18"."period",
  SUM("t18"."orders") AS "n",
  SUM("t18"."back") AS "sy",
  SUM("t18"."units") AS "sx",
  SUM("t18"."back2") AS "syy",
  SUM("t18"."units2") AS "sxx",
  SUM("t18"."units_back") AS "sxy"
FROM (
  SELECT
    "t17"."country",
    "t17"."customer_id",
    "t17"."day",
    "t17"."orders",
    "t17"."purchases",
    "t17"."gross",
    "t17"."gross2",
    "t17"."net",
    "t17"."units",
    "t17"."back",
    "t17"."units2",
    "t17"."back2",
    "t17"."units_back",
    (
      (
        (
          CAST(FLOOR((
            "t17"."day" + 719468
          ) / (
            146097
          )) AS BIGINT) * 400
        ) + CAST(FLOOR(
          (
            (
              (
                (
                  (
                    "t17"."day" + 719468
                  ) % 146097
                ) - CAST(FLOOR((
                  (
                    "t17"."day" + 719468
                  ) % 146097
                ) / (
                  1460
                )) AS BIGINT)
              ) + CAST(FLOOR((
                (
                  "t17"."day" + 719468
                ) % 146097
              ) / (
                36524
              )) AS BIGINT)
            ) - CAST(FLOOR((
              (
                "t17"."day" + 719468
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
                "t17"."day" + 719468
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
                              "t17"."day" + 719468
                            ) % 146097
                          ) - CAST(FLOOR((
                            (
                              "t17"."day" + 719468
                            ) % 146097
                          ) / (
                            1460
                          )) AS BIGINT)
                        ) + CAST(FLOOR((
                          (
                            "t17"."day" + 719468
                          ) % 146097
                        ) / (
                          36524
                        )) AS BIGINT)
                      ) - CAST(FLOOR((
                        (
                          "t17"."day" + 719468
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
                                "t17"."day" + 719468
                              ) % 146097
                            ) - CAST(FLOOR((
                              (
                                "t17"."day" + 719468
                              ) % 146097
                            ) / (
                              1460
                            )) AS BIGINT)
                          ) + CAST(FLOOR((
                            (
                              "t17"."day" + 719468
                            ) % 146097
                          ) / (
                            36524
                          )) AS BIGINT)
                        ) - CAST(FLOOR((
                          (
                            "t17"."day" + 719468
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
                              "t17"."day" + 719468
                            ) % 146097
                          ) - CAST(FLOOR((
                            (
                              "t17"."day" + 719468
                            ) % 146097
                          ) / (
                            1460
                          )) AS BIGINT)
                        ) + CAST(FLOOR((
                          (
                            "t17"."day" + 719468
                          ) % 146097
                        ) / (
                          36524
                        )) AS BIGINT)
                      ) - CAST(FLOOR((
                        (
                          "t17"."day" + 719468
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
    ) AS BIGINT) + 2 AS "period"
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
) AS "t18"
GROUP BY
  1,
  2
