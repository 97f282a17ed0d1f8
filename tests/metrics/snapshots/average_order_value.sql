SELECT
  "t17"."country",
  "t17"."period",
  COUNT("t17"."gross") AS "n",
  SUM("t17"."gross") AS "s",
  SUM("t17"."gross" * "t17"."gross") AS "ss"
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
    (
      (
        EXTRACT(year FROM "t16"."at") * 12
      ) + EXTRACT(month FROM "t16"."at")
    ) - 1 AS "period"
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
        SUM(CASE WHEN "t13"."quantity" > 0 THEN "t13"."quantity" ELSE 0 END) AS "units",
        SUM(CASE WHEN "t13"."quantity" > 0 THEN 0 ELSE -(
          "t13"."quantity"
        ) END) AS "returned_units",
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
  WHERE
    "t16"."purchase"
) AS "t17"
GROUP BY
  1,
  2
