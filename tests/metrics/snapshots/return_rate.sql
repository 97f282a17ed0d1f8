SELECT
  "t16"."country",
  "t16"."period",
  COUNT(CAST("t16"."sold" AS DOUBLE)) AS "n",
  SUM(CAST("t16"."back" AS DOUBLE)) AS "sy",
  SUM(CAST("t16"."sold" AS DOUBLE)) AS "sx",
  SUM(CAST("t16"."back" AS DOUBLE) * CAST("t16"."back" AS DOUBLE)) AS "syy",
  SUM(CAST("t16"."sold" AS DOUBLE) * CAST("t16"."sold" AS DOUBLE)) AS "sxx",
  SUM(CAST("t16"."sold" AS DOUBLE) * CAST("t16"."back" AS DOUBLE)) AS "sxy"
FROM (
  SELECT
    "t15"."country",
    "t15"."period",
    "t15"."order_id",
    SUM(CASE WHEN "t15"."quantity" > 0 THEN "t15"."quantity" ELSE 0 END) AS "sold",
    SUM(CASE WHEN "t15"."quantity" > 0 THEN 0 ELSE -(
      "t15"."quantity"
    ) END) AS "back"
  FROM (
    SELECT
      "t14"."order_id",
      "t14"."customer_id",
      "t14"."at",
      "t14"."channel",
      "t14"."status",
      "t14"."currency",
      "t14"."category",
      "t14"."sku",
      "t14"."quantity",
      "t14"."value",
      "t14"."country",
      (
        (
          EXTRACT(year FROM "t14"."at") * 12
        ) + EXTRACT(month FROM "t14"."at")
      ) - 1 AS "period"
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
        ) - COALESCE(CAST("t13"."discount" AS DOUBLE), 0.0) AS "value",
        "t9"."c_country" AS "country"
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
      LEFT OUTER JOIN (
        SELECT
          "t1"."id" AS "cid",
          "t1"."country" AS "c_country"
        FROM "customers" AS "t1"
      ) AS "t9"
        ON "t8"."customer_id" = "t9"."cid"
    ) AS "t14"
  ) AS "t15"
  GROUP BY
    1,
    2,
    3
) AS "t16"
GROUP BY
  1,
  2
