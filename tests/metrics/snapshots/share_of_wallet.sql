WITH "t13" AS (
  SELECT
    "t4"."id" AS "cid",
    "t4"."country" AS "c_country"
  FROM "customers" AS "t4"
)
SELECT
  "t37"."country",
  "t37"."period",
  COUNT(
    CASE
      WHEN CASE
        WHEN (
          COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE))
      END IS NULL
      THEN CASE
        WHEN (
          COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE))
      END
      ELSE GREATEST(
        0.0,
        CASE
          WHEN (
            COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE))
        END
      )
    END * 100.0
  ) AS "n",
  SUM(
    CASE
      WHEN CASE
        WHEN (
          COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE))
      END IS NULL
      THEN CASE
        WHEN (
          COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE))
      END
      ELSE GREATEST(
        0.0,
        CASE
          WHEN (
            COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE))
        END
      )
    END * 100.0
  ) AS "s",
  SUM(
    CASE
      WHEN CASE
        WHEN (
          COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE))
      END IS NULL
      THEN CASE
        WHEN (
          COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE))
      END
      ELSE GREATEST(
        0.0,
        CASE
          WHEN (
            COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE))
        END
      )
    END * 100.0 * (
      CASE
        WHEN CASE
          WHEN (
            COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE))
        END IS NULL
        THEN CASE
          WHEN (
            COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE))
        END
        ELSE GREATEST(
          0.0,
          CASE
            WHEN (
              COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
            ) IS NULL
            THEN COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE)
            ELSE LEAST(1.0, COALESCE("t37"."ours", 0.0) / CAST("t37"."stated" AS DOUBLE))
          END
        )
      END * 100.0
    )
  ) AS "ss"
FROM (
  SELECT
    "t36"."country",
    "t36"."period",
    "t36"."response_id",
    "t36"."stated",
    SUM("t36"."net") AS "ours"
  FROM (
    SELECT
      "t29"."country",
      "t29"."period",
      "t29"."response_id",
      "t29"."rcid",
      "t29"."stated",
      "t29"."rs",
      "t35"."ocid",
      "t35"."os",
      "t35"."net"
    FROM (
      SELECT
        "t25"."country",
        (
          (
            EXTRACT(year FROM "t25"."at") * 12
          ) + EXTRACT(month FROM "t25"."at")
        ) - 1 AS "period",
        "t25"."response_id",
        "t25"."customer_id" AS "rcid",
        "t25"."score" AS "stated",
        EPOCH(CAST("t25"."at" AS TIMESTAMP)) AS "rs"
      FROM (
        SELECT
          "t8"."response_id",
          "t8"."question_key",
          "t8"."question_type",
          "t8"."score",
          "t16"."customer_id",
          "t16"."at",
          "t16"."channel",
          "t16"."touchpoint",
          "t8"."language",
          "t17"."survey",
          "t17"."survey_kind",
          "t18"."scale_min",
          "t18"."scale_max",
          "t22"."c_country" AS "country"
        FROM "answers" AS "t8"
        INNER JOIN (
          SELECT
            "t1"."id" AS "rid",
            "t1"."customer_id",
            "t1"."submitted_at" AS "at",
            "t1"."survey_id",
            "t1"."channel",
            "t1"."touchpoint",
            "t1"."language"
          FROM "responses" AS "t1"
        ) AS "t16"
          ON "t8"."response_id" = "t16"."rid"
        INNER JOIN (
          SELECT
            "t2"."id" AS "sid",
            "t2"."key" AS "survey",
            "t2"."kind" AS "survey_kind"
          FROM "surveys" AS "t2"
        ) AS "t17"
          ON "t16"."survey_id" = "t17"."sid"
        LEFT OUTER JOIN (
          SELECT
            "t3"."survey_id" AS "qsid",
            "t3"."key" AS "qkey",
            "t3"."scale_min",
            "t3"."scale_max"
          FROM "survey_questions" AS "t3"
        ) AS "t18"
          ON "t16"."survey_id" = "t18"."qsid" AND "t8"."question_key" = "t18"."qkey"
        LEFT OUTER JOIN "t13" AS "t22"
          ON "t16"."customer_id" = "t22"."cid"
      ) AS "t25"
      WHERE
        "t25"."question_key" = 'category_spend' AND "t25"."score" > 0
    ) AS "t29"
    LEFT OUTER JOIN (
      SELECT
        "t33"."customer_id" AS "ocid",
        EPOCH(CAST("t33"."at" AS TIMESTAMP)) AS "os",
        "t33"."net"
      FROM (
        SELECT
          "t32"."order_id",
          "t20"."customer_id",
          "t20"."at",
          "t20"."channel",
          "t20"."status",
          "t20"."currency",
          "t32"."units",
          "t32"."returned_units",
          "t32"."gross",
          "t32"."net",
          (
            "t20"."status" <> 'cancelled'
          ) AND (
            "t32"."units" > 0
          ) AS "purchase",
          "t23"."c_country" AS "country"
        FROM (
          SELECT
            "t30"."order_id",
            SUM(CASE WHEN "t30"."quantity" > 0 THEN "t30"."quantity" ELSE 0 END) AS "units",
            SUM(CASE WHEN "t30"."quantity" > 0 THEN 0 ELSE -(
              "t30"."quantity"
            ) END) AS "returned_units",
            SUM(CASE WHEN "t30"."quantity" > 0 THEN "t30"."value" ELSE 0.0 END) AS "gross",
            SUM("t30"."value") AS "net"
          FROM (
            SELECT
              "t27"."order_id",
              "t20"."customer_id",
              "t20"."at",
              "t20"."channel",
              "t20"."status",
              "t20"."currency",
              "t27"."category",
              "t27"."sku",
              "t27"."quantity",
              (
                CAST("t27"."quantity" AS DOUBLE) * CAST("t27"."unit_price" AS DOUBLE)
              ) - COALESCE(CAST("t27"."discount" AS DOUBLE), 0.0) AS "value"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t9"."id",
                  "t9"."order_id",
                  "t9"."line_no",
                  "t9"."product_id",
                  "t9"."sku",
                  "t9"."quantity",
                  "t9"."unit_price",
                  "t9"."discount",
                  "t9"."returns_line_id",
                  "t21"."pid",
                  "t21"."category",
                  "t21"."merch"
                FROM "order_lines" AS "t9"
                LEFT OUTER JOIN (
                  SELECT
                    "t7"."id" AS "pid",
                    "t7"."category",
                    "t7"."is_merchandise" AS "merch"
                  FROM "products" AS "t7"
                ) AS "t21"
                  ON "t9"."product_id" = "t21"."pid"
              ) AS "t24"
              WHERE
                (
                  "t24"."merch" IS NULL
                ) OR "t24"."merch"
            ) AS "t27"
            INNER JOIN (
              SELECT
                "t5"."id" AS "oid",
                "t5"."customer_id",
                "t5"."placed_at" AS "at",
                "t5"."channel",
                "t5"."status",
                "t5"."currency"
              FROM "orders" AS "t5"
            ) AS "t20"
              ON "t27"."order_id" = "t20"."oid"
          ) AS "t30"
          GROUP BY
            1
        ) AS "t32"
        INNER JOIN (
          SELECT
            "t5"."id" AS "oid",
            "t5"."customer_id",
            "t5"."placed_at" AS "at",
            "t5"."channel",
            "t5"."status",
            "t5"."currency"
          FROM "orders" AS "t5"
        ) AS "t20"
          ON "t32"."order_id" = "t20"."oid"
        LEFT OUTER JOIN "t13" AS "t23"
          ON "t20"."customer_id" = "t23"."cid"
      ) AS "t33"
    ) AS "t35"
      ON "t29"."rcid" = "t35"."ocid"
      AND "t35"."os" < "t29"."rs"
      AND "t35"."os" >= (
        "t29"."rs" - 31536000
      )
  ) AS "t36"
  GROUP BY
    1,
    2,
    3,
    4
) AS "t37"
GROUP BY
  1,
  2
