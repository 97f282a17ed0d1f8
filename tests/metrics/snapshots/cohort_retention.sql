WITH "t18" AS (
  SELECT DISTINCT
    "t17"."country",
    "t17"."customer_id",
    (
      (
        EXTRACT(year FROM "t17"."at") * 12
      ) + EXTRACT(month FROM "t17"."at")
    ) - 1 AS "p"
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
  WHERE
    "t17"."purchase" AND "t17"."customer_id" IS NOT NULL
), "t21" AS (
  SELECT
    "t19"."country",
    "t19"."customer_id",
    MIN("t19"."p") AS "cohort"
  FROM "t18" AS "t19"
  GROUP BY
    1,
    2
)
SELECT
  "t29"."country",
  "t29"."cohort",
  "t29"."age",
  "t25"."n",
  "t29"."k"
FROM (
  SELECT
    "t27"."country",
    "t27"."cohort",
    "t27"."age",
    COUNT(*) AS "k"
  FROM (
    SELECT
      "t26"."country",
      "t26"."customer_id",
      "t26"."p",
      "t26"."cohort",
      "t26"."p" - "t26"."cohort" AS "age"
    FROM (
      SELECT
        "t20"."country",
        "t20"."customer_id",
        "t20"."p",
        "t23"."cohort"
      FROM "t18" AS "t20"
      INNER JOIN "t21" AS "t23"
        ON "t20"."country" = "t23"."country" AND "t20"."customer_id" = "t23"."customer_id"
    ) AS "t26"
  ) AS "t27"
  GROUP BY
    1,
    2,
    3
) AS "t29"
INNER JOIN (
  SELECT
    "t22"."country",
    "t22"."cohort",
    COUNT(*) AS "n"
  FROM "t21" AS "t22"
  GROUP BY
    1,
    2
) AS "t25"
  ON "t29"."country" = "t25"."country" AND "t29"."cohort" = "t25"."cohort"
