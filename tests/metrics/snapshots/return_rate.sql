SELECT
  "t18"."country",
  "t18"."period",
  COUNT(CAST("t18"."units" AS DOUBLE)) AS "n",
  SUM(CAST("t18"."returned_units" AS DOUBLE)) AS "sy",
  SUM(CAST("t18"."units" AS DOUBLE)) AS "sx",
  SUM(CAST("t18"."returned_units" AS DOUBLE) * CAST("t18"."returned_units" AS DOUBLE)) AS "syy",
  SUM(CAST("t18"."units" AS DOUBLE) * CAST("t18"."units" AS DOUBLE)) AS "sxx",
  SUM(CAST("t18"."units" AS DOUBLE) * CAST("t18"."returned_units" AS DOUBLE)) AS "sxy"
FROM (
  SELECT
    "t17"."order_id",
    "t17"."customer_id",
    "t17"."at",
    "t17"."channel",
    "t17"."status",
    "t17"."currency",
    "t17"."units",
    "t17"."returned_units",
    "t17"."gross",
    "t17"."net",
    "t17"."purchase",
    "t17"."country",
    (
      (
        EXTRACT(year FROM "t17"."at") * 12
      ) + EXTRACT(month FROM "t17"."at")
    ) - 1 AS "period"
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
) AS "t18"
GROUP BY
  1,
  2
