-- rollup version 2
SELECT
  "t13"."customer_id",
  "t13"."day",
  "t13"."channel",
  "t13"."status",
  "t13"."currency",
  COUNT(*) AS "orders",
  SUM(CASE WHEN "t13"."purchase" THEN 1 ELSE 0 END) AS "purchases",
  SUM(CASE WHEN "t13"."purchase" THEN "t13"."gross" ELSE 0.0 END) AS "gross",
  SUM(CASE WHEN "t13"."purchase" THEN "t13"."gross" * "t13"."gross" ELSE 0.0 END) AS "gross2",
  SUM("t13"."net") AS "net",
  SUM("t13"."units") AS "units",
  SUM("t13"."returned_units") AS "back",
  SUM("t13"."units" * "t13"."units") AS "units2",
  SUM("t13"."returned_units" * "t13"."returned_units") AS "back2",
  SUM("t13"."units" * "t13"."returned_units") AS "units_back"
FROM (
  SELECT
    "t12"."order_id",
    "t12"."customer_id",
    "t12"."at",
    "t12"."channel",
    "t12"."status",
    "t12"."currency",
    "t12"."units",
    "t12"."returned_units",
    "t12"."gross",
    "t12"."net",
    "t12"."purchase",
    CAST(FLOOR((
      EPOCH(CAST("t12"."at" AS TIMESTAMP))
    ) / (
      86400
    )) AS BIGINT) AS "day"
  FROM (
    SELECT
      "t11"."order_id",
      "t6"."customer_id",
      "t6"."at",
      "t6"."channel",
      "t6"."status",
      "t6"."currency",
      "t11"."units",
      "t11"."returned_units",
      "t11"."gross",
      "t11"."net",
      (
        "t6"."status" <> 'cancelled'
      ) AND (
        "t11"."units" > 0
      ) AS "purchase"
    FROM (
      SELECT
        "t9"."order_id",
        SUM(CASE WHEN "t9"."quantity" > 0 THEN CAST("t9"."quantity" AS DOUBLE) ELSE 0.0 END) AS "units",
        SUM(
          CASE
            WHEN "t9"."quantity" > 0
            THEN 0.0
            ELSE -(
              CAST("t9"."quantity" AS DOUBLE)
            )
          END
        ) AS "returned_units",
        SUM(CASE WHEN "t9"."quantity" > 0 THEN "t9"."value" ELSE 0.0 END) AS "gross",
        SUM("t9"."value") AS "net"
      FROM (
        SELECT
          "t8"."order_id",
          "t8"."category",
          "t8"."sku",
          "t8"."quantity",
          (
            CAST("t8"."quantity" AS DOUBLE) * CAST("t8"."unit_price" AS DOUBLE)
          ) - COALESCE(CAST("t8"."discount" AS DOUBLE), 0.0) AS "value"
        FROM (
          SELECT
            "t3"."id",
            "t3"."order_id",
            "t3"."line_no",
            "t3"."product_id",
            "t3"."sku",
            "t3"."quantity",
            "t3"."unit_price",
            "t3"."discount",
            "t3"."returns_line_id",
            "t7"."pid",
            "t7"."category",
            "t7"."merch"
          FROM "order_lines" AS "t3"
          LEFT OUTER JOIN (
            SELECT
              "t2"."id" AS "pid",
              "t2"."category",
              "t2"."is_merchandise" AS "merch"
            FROM "products" AS "t2"
          ) AS "t7"
            ON "t3"."product_id" = "t7"."pid"
        ) AS "t8"
        WHERE
          (
            "t8"."merch" IS NULL
          ) OR "t8"."merch"
      ) AS "t9"
      GROUP BY
        1
    ) AS "t11"
    INNER JOIN (
      SELECT
        "t0"."id" AS "oid",
        "t0"."customer_id",
        "t0"."placed_at" AS "at",
        "t0"."channel",
        "t0"."status",
        "t0"."currency"
      FROM "orders" AS "t0"
    ) AS "t6"
      ON "t11"."order_id" = "t6"."oid"
  ) AS "t12"
) AS "t13"
GROUP BY
  1,
  2,
  3,
  4,
  5
