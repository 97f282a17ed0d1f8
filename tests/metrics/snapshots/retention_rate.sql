WITH "t22" AS (
  SELECT
    "t21"."country",
    "t21"."customer_id",
    "t21"."spell",
    (
      (
        (
          CAST(FLOOR((
            MIN("t21"."day") + 719468
          ) / (
            146097
          )) AS BIGINT) * 400
        ) + CAST(FLOOR(
          (
            (
              (
                (
                  (
                    MIN("t21"."day") + 719468
                  ) % 146097
                ) - CAST(FLOOR((
                  (
                    MIN("t21"."day") + 719468
                  ) % 146097
                ) / (
                  1460
                )) AS BIGINT)
              ) + CAST(FLOOR((
                (
                  MIN("t21"."day") + 719468
                ) % 146097
              ) / (
                36524
              )) AS BIGINT)
            ) - CAST(FLOOR((
              (
                MIN("t21"."day") + 719468
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
                MIN("t21"."day") + 719468
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
                              MIN("t21"."day") + 719468
                            ) % 146097
                          ) - CAST(FLOOR((
                            (
                              MIN("t21"."day") + 719468
                            ) % 146097
                          ) / (
                            1460
                          )) AS BIGINT)
                        ) + CAST(FLOOR((
                          (
                            MIN("t21"."day") + 719468
                          ) % 146097
                        ) / (
                          36524
                        )) AS BIGINT)
                      ) - CAST(FLOOR((
                        (
                          MIN("t21"."day") + 719468
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
                                MIN("t21"."day") + 719468
                              ) % 146097
                            ) - CAST(FLOOR((
                              (
                                MIN("t21"."day") + 719468
                              ) % 146097
                            ) / (
                              1460
                            )) AS BIGINT)
                          ) + CAST(FLOOR((
                            (
                              MIN("t21"."day") + 719468
                            ) % 146097
                          ) / (
                            36524
                          )) AS BIGINT)
                        ) - CAST(FLOOR((
                          (
                            MIN("t21"."day") + 719468
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
                              MIN("t21"."day") + 719468
                            ) % 146097
                          ) - CAST(FLOOR((
                            (
                              MIN("t21"."day") + 719468
                            ) % 146097
                          ) / (
                            1460
                          )) AS BIGINT)
                        ) + CAST(FLOOR((
                          (
                            MIN("t21"."day") + 719468
                          ) % 146097
                        ) / (
                          36524
                        )) AS BIGINT)
                      ) - CAST(FLOOR((
                        (
                          MIN("t21"."day") + 719468
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
            MAX("t21"."day") + 180 + 719468
          ) / (
            146097
          )) AS BIGINT) * 400
        ) + CAST(FLOOR(
          (
            (
              (
                (
                  (
                    MAX("t21"."day") + 180 + 719468
                  ) % 146097
                ) - CAST(FLOOR((
                  (
                    MAX("t21"."day") + 180 + 719468
                  ) % 146097
                ) / (
                  1460
                )) AS BIGINT)
              ) + CAST(FLOOR((
                (
                  MAX("t21"."day") + 180 + 719468
                ) % 146097
              ) / (
                36524
              )) AS BIGINT)
            ) - CAST(FLOOR((
              (
                MAX("t21"."day") + 180 + 719468
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
                MAX("t21"."day") + 180 + 719468
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
                              MAX("t21"."day") + 180 + 719468
                            ) % 146097
                          ) - CAST(FLOOR((
                            (
                              MAX("t21"."day") + 180 + 719468
                            ) % 146097
                          ) / (
                            1460
                          )) AS BIGINT)
                        ) + CAST(FLOOR((
                          (
                            MAX("t21"."day") + 180 + 719468
                          ) % 146097
                        ) / (
                          36524
                        )) AS BIGINT)
                      ) - CAST(FLOOR((
                        (
                          MAX("t21"."day") + 180 + 719468
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
                                MAX("t21"."day") + 180 + 719468
                              ) % 146097
                            ) - CAST(FLOOR((
                              (
                                MAX("t21"."day") + 180 + 719468
                              ) % 146097
                            ) / (
                              1460
                            )) AS BIGINT)
                          ) + CAST(FLOOR((
                            (
                              MAX("t21"."day") + 180 + 719468
                            ) % 146097
                          ) / (
                            36524
                          )) AS BIGINT)
                        ) - CAST(FLOOR((
                          (
                            MAX("t21"."day") + 180 + 719468
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
                              MAX("t21"."day") + 180 + 719468
                            ) % 146097
                          ) - CAST(FLOOR((
                            (
                              MAX("t21"."day") + 180 + 719468
                            ) % 146097
                          ) / (
                            1460
                          )) AS BIGINT)
                        ) + CAST(FLOOR((
                          (
                            MAX("t21"."day") + 180 + 719468
                          ) % 146097
                        ) / (
                          36524
                        )) AS BIGINT)
                      ) - CAST(FLOOR((
                        (
                          MAX("t21"."day") + 180 + 719468
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
            MAX("t21"."day") + 1 + 719468
          ) / (
            146097
          )) AS BIGINT) * 400
        ) + CAST(FLOOR(
          (
            (
              (
                (
                  (
                    MAX("t21"."day") + 1 + 719468
                  ) % 146097
                ) - CAST(FLOOR((
                  (
                    MAX("t21"."day") + 1 + 719468
                  ) % 146097
                ) / (
                  1460
                )) AS BIGINT)
              ) + CAST(FLOOR((
                (
                  MAX("t21"."day") + 1 + 719468
                ) % 146097
              ) / (
                36524
              )) AS BIGINT)
            ) - CAST(FLOOR((
              (
                MAX("t21"."day") + 1 + 719468
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
                MAX("t21"."day") + 1 + 719468
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
                              MAX("t21"."day") + 1 + 719468
                            ) % 146097
                          ) - CAST(FLOOR((
                            (
                              MAX("t21"."day") + 1 + 719468
                            ) % 146097
                          ) / (
                            1460
                          )) AS BIGINT)
                        ) + CAST(FLOOR((
                          (
                            MAX("t21"."day") + 1 + 719468
                          ) % 146097
                        ) / (
                          36524
                        )) AS BIGINT)
                      ) - CAST(FLOOR((
                        (
                          MAX("t21"."day") + 1 + 719468
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
                                MAX("t21"."day") + 1 + 719468
                              ) % 146097
                            ) - CAST(FLOOR((
                              (
                                MAX("t21"."day") + 1 + 719468
                              ) % 146097
                            ) / (
                              1460
                            )) AS BIGINT)
                          ) + CAST(FLOOR((
                            (
                              MAX("t21"."day") + 1 + 719468
                            ) % 146097
                          ) / (
                            36524
                          )) AS BIGINT)
                        ) - CAST(FLOOR((
                          (
                            MAX("t21"."day") + 1 + 719468
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
                              MAX("t21"."day") + 1 + 719468
                            ) % 146097
                          ) - CAST(FLOOR((
                            (
                              MAX("t21"."day") + 1 + 719468
                            ) % 146097
                          ) / (
                            1460
                          )) AS BIGINT)
                        ) + CAST(FLOOR((
                          (
                            MAX("t21"."day") + 1 + 719468
                          ) % 146097
                        ) / (
                          36524
                        )) AS BIGINT)
                      ) - CAST(FLOOR((
                        (
                          MAX("t21"."day") + 1 + 719468
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
      "t20"."country",
      "t20"."customer_id",
      "t20"."day",
      "t20"."new",
      SUM("t20"."new") OVER (
        PARTITION BY "t20"."country", "t20"."customer_id"
        ORDER BY "t20"."day" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS "spell"
    FROM (
      SELECT
        "t19"."country",
        "t19"."customer_id",
        "t19"."day",
        CASE
          WHEN (
            LAG("t19"."day") OVER (
              PARTITION BY "t19"."country", "t19"."customer_id"
              ORDER BY "t19"."day" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            ) IS NULL
          )
          OR (
            (
              "t19"."day" - LAG("t19"."day") OVER (
                PARTITION BY "t19"."country", "t19"."customer_id"
                ORDER BY "t19"."day" ASC
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
              )
            ) > 180
          )
          THEN 1
          ELSE 0
        END AS "new"
      FROM (
        SELECT DISTINCT
          "t18"."country",
          "t18"."customer_id",
          "t18"."day"
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
    ) AS "t20"
  ) AS "t21"
  GROUP BY
    1,
    2,
    3
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
    "t29"."top",
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
    "t29"."ends" - "t29"."same" AS "k",
    MAX("t29"."top") OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS "bound"
  FROM (
    SELECT
      "t28"."country",
      "t28"."p",
      SUM("t28"."starts") AS "starts",
      SUM("t28"."ends") AS "ends",
      SUM("t28"."same") AS "same",
      MAX("t28"."top") AS "top"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t24"."country",
          "t24"."a" AS "p",
          "t24"."starts",
          "t24"."top",
          0 AS "ends",
          0 AS "same"
        FROM (
          SELECT
            "t23"."country",
            "t23"."a",
            COUNT(*) AS "starts",
            MAX("t23"."bound") AS "top"
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
          "t25"."country",
          "t25"."b" AS "p",
          0 AS "starts",
          CAST(NULL AS BIGINT) AS "top",
          "t25"."ends",
          "t25"."same"
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
        ) AS "t25"
      ) AS "t27"
    ) AS "t28"
    GROUP BY
      1,
      2
  ) AS "t29"
) AS "t30"
WHERE
  "t30"."n" > 0 AND "t30"."p" < "t30"."bound"
