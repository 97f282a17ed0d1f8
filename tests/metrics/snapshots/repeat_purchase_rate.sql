SELECT
  "t20"."country",
  "t20"."period",
  COUNT(*) AS "n",
  SUM(CASE WHEN "t20"."orders" >= 2 THEN 1 ELSE 0 END) AS "k"
FROM (
  SELECT
    "t19"."country",
    "t19"."period",
    "t19"."customer_id",
    SUM("t19"."purchases") AS "orders"
  FROM (
    SELECT
      "t18"."country",
      "t18"."customer_id",
      "t18"."day",
      "t18"."orders",
      "t18"."purchases",
      "t18"."gross",
      "t18"."gross2",
      "t18"."net",
      "t18"."units",
      "t18"."back",
      "t18"."units2",
      "t18"."back2",
      "t18"."units_back",
      (
        (
          (
            CAST(FLOOR((
              "t18"."day" + 719468
            ) / (
              146097
            )) AS BIGINT) * 400
          ) + CAST(FLOOR(
            (
              (
                (
                  (
                    (
                      "t18"."day" + 719468
                    ) % 146097
                  ) - CAST(FLOOR((
                    (
                      "t18"."day" + 719468
                    ) % 146097
                  ) / (
                    1460
                  )) AS BIGINT)
                ) + CAST(FLOOR((
                  (
                    "t18"."day" + 719468
                  ) % 146097
                ) / (
                  36524
                )) AS BIGINT)
              ) - CAST(FLOOR((
                (
                  "t18"."day" + 719468
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
                  "t18"."day" + 719468
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
                                "t18"."day" + 719468
                              ) % 146097
                            ) - CAST(FLOOR((
                              (
                                "t18"."day" + 719468
                              ) % 146097
                            ) / (
                              1460
                            )) AS BIGINT)
                          ) + CAST(FLOOR((
                            (
                              "t18"."day" + 719468
                            ) % 146097
                          ) / (
                            36524
                          )) AS BIGINT)
                        ) - CAST(FLOOR((
                          (
                            "t18"."day" + 719468
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
                                  "t18"."day" + 719468
                                ) % 146097
                              ) - CAST(FLOOR((
                                (
                                  "t18"."day" + 719468
                                ) % 146097
                              ) / (
                                1460
                              )) AS BIGINT)
                            ) + CAST(FLOOR((
                              (
                                "t18"."day" + 719468
                              ) % 146097
                            ) / (
                              36524
                            )) AS BIGINT)
                          ) - CAST(FLOOR((
                            (
                              "t18"."day" + 719468
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
                                "t18"."day" + 719468
                              ) % 146097
                            ) - CAST(FLOOR((
                              (
                                "t18"."day" + 719468
                              ) % 146097
                            ) / (
                              1460
                            )) AS BIGINT)
                          ) + CAST(FLOOR((
                            (
                              "t18"."day" + 719468
                            ) % 146097
                          ) / (
                            36524
                          )) AS BIGINT)
                        ) - CAST(FLOOR((
                          (
                            "t18"."day" + 719468
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
        "t17"."country",
        "t17"."customer_id",
        "t17"."day",
        COUNT(*) AS "orders",
        SUM(CASE WHEN "t17"."purchase" THEN 1 ELSE 0 END) AS "purchases",
        SUM(CASE WHEN "t17"."purchase" THEN "t17"."gross" ELSE 0.0 END) AS "gross",
        SUM(CASE WHEN "t17"."purchase" THEN "t17"."gross" * "t17"."gross" ELSE 0.0 END) AS "gross2",
        SUM("t17"."net") AS "net",
        SUM("t17"."units") AS "units",
        SUM("t17"."returned_units") AS "back",
        SUM("t17"."units" * "t17"."units") AS "units2",
        SUM("t17"."returned_units" * "t17"."returned_units") AS "back2",
        SUM("t17"."units" * "t17"."returned_units") AS "units_back"
      FROM (
        SELECT
          "t16"."order_id",
          "t16"."customer_id",
          "t16"."at",
          "t16"."channel",
          "t16"."status",
          "t16"."currency",
          "t16"."units",
          "t16"."returned_units",
          "t16"."gross",
          "t16"."net",
          "t16"."purchase",
          "t16"."country",
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
              SUM(
                CASE WHEN "t13"."quantity" > 0 THEN CAST("t13"."quantity" AS DOUBLE) ELSE 0.0 END
              ) AS "units",
              SUM(
                CASE
                  WHEN "t13"."quantity" > 0
                  THEN 0.0
                  ELSE -(
                    CAST("t13"."quantity" AS DOUBLE)
                  )
                END
              ) AS "returned_units",
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
      ) AS "t17"
      GROUP BY
        1,
        2,
        3
    ) AS "t18"
    WHERE
      "t18"."purchases" > 0 AND "t18"."customer_id" IS NOT NULL
  ) AS "t19"
  GROUP BY
    1,
    2,
    3
) AS "t20"
GROUP BY
  1,
  2
