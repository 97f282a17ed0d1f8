WITH "t12" AS (
  SELECT
    "t4"."id" AS "cid",
    "t4"."country" AS "c_country"
  FROM "customers" AS "t4"
)
SELECT
  "t36"."country",
  "t36"."period",
  COUNT(
    CASE
      WHEN CASE
        WHEN (
          COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE))
      END IS NULL
      THEN CASE
        WHEN (
          COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE))
      END
      ELSE GREATEST(
        0.0,
        CASE
          WHEN (
            COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE))
        END
      )
    END * 100.0
  ) AS "n",
  SUM(
    CASE
      WHEN CASE
        WHEN (
          COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE))
      END IS NULL
      THEN CASE
        WHEN (
          COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE))
      END
      ELSE GREATEST(
        0.0,
        CASE
          WHEN (
            COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE))
        END
      )
    END * 100.0
  ) AS "s",
  SUM(
    CASE
      WHEN CASE
        WHEN (
          COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE))
      END IS NULL
      THEN CASE
        WHEN (
          COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE))
      END
      ELSE GREATEST(
        0.0,
        CASE
          WHEN (
            COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE))
        END
      )
    END * 100.0 * (
      CASE
        WHEN CASE
          WHEN (
            COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE))
        END IS NULL
        THEN CASE
          WHEN (
            COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE))
        END
        ELSE GREATEST(
          0.0,
          CASE
            WHEN (
              COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
            ) IS NULL
            THEN COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE)
            ELSE LEAST(1.0, COALESCE("t36"."ours", 0.0) / CAST("t36"."stated" AS DOUBLE))
          END
        )
      END * 100.0
    )
  ) AS "ss"
FROM (
  SELECT
    "t35"."country",
    "t35"."period",
    "t35"."response_id",
    "t35"."stated",
    SUM("t35"."net") AS "ours"
  FROM (
    SELECT
      "t29"."country",
      "t29"."period",
      "t29"."response_id",
      "t29"."rcid",
      "t29"."stated",
      "t29"."rs",
      "t34"."ocid",
      "t34"."os",
      "t34"."net"
    FROM (
      SELECT
        "t26"."country",
        (
          (
            EXTRACT(year FROM "t26"."at") * 12
          ) + EXTRACT(month FROM "t26"."at")
        ) - 1 AS "period",
        "t26"."response_id",
        "t26"."customer_id" AS "rcid",
        "t26"."score" AS "stated",
        EPOCH(CAST("t26"."at" AS TIMESTAMP)) AS "rs"
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
          "t23"."c_country" AS "country"
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
        LEFT OUTER JOIN "t12" AS "t23"
          ON "t16"."customer_id" = "t23"."cid"
      ) AS "t26"
      WHERE
        "t26"."question_key" = 'category_spend' AND "t26"."score" > 0
    ) AS "t29"
    LEFT OUTER JOIN (
      SELECT
        "t32"."customer_id" AS "ocid",
        EPOCH(CAST("t32"."at" AS TIMESTAMP)) AS "os",
        "t32"."net"
      FROM (
        SELECT
          "t31"."order_id",
          "t20"."customer_id",
          "t20"."at",
          "t20"."channel",
          "t20"."status",
          "t20"."currency",
          "t31"."units",
          "t31"."returned_units",
          "t31"."gross",
          "t31"."net",
          (
            "t20"."status" <> 'cancelled'
          ) AND (
            "t31"."units" > 0
          ) AS "purchase",
          "t24"."c_country" AS "country"
        FROM (
          SELECT
            "t27"."order_id",
            SUM(
              CASE WHEN "t27"."quantity" > 0 THEN CAST("t27"."quantity" AS DOUBLE) ELSE 0.0 END
            ) AS "units",
            SUM(
              CASE
                WHEN "t27"."quantity" > 0
                THEN 0.0
                ELSE -(
                  CAST("t27"."quantity" AS DOUBLE)
                )
              END
            ) AS "returned_units",
            SUM(CASE WHEN "t27"."quantity" > 0 THEN "t27"."value" ELSE 0.0 END) AS "gross",
            SUM("t27"."value") AS "net"
          FROM (
            SELECT
              "t25"."order_id",
              "t25"."quantity",
              (
                CAST("t25"."quantity" AS DOUBLE) * CAST("t25"."unit_price" AS DOUBLE)
              ) - COALESCE(CAST("t25"."discount" AS DOUBLE), 0.0) AS "value"
            FROM (
              SELECT
                "t21"."order_id",
                "t21"."product_id",
                "t21"."quantity",
                "t21"."unit_price",
                "t21"."discount",
                "t22"."pid",
                "t22"."merch"
              FROM (
                SELECT
                  "t6"."order_id",
                  "t6"."product_id",
                  "t6"."quantity",
                  "t6"."unit_price",
                  "t6"."discount"
                FROM "order_lines" AS "t6"
              ) AS "t21"
              LEFT OUTER JOIN (
                SELECT
                  "t7"."id" AS "pid",
                  "t7"."is_merchandise" AS "merch"
                FROM "products" AS "t7"
              ) AS "t22"
                ON "t21"."product_id" = "t22"."pid"
            ) AS "t25"
            WHERE
              (
                "t25"."merch" IS NULL
              ) OR "t25"."merch"
          ) AS "t27"
          GROUP BY
            1
        ) AS "t31"
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
          ON "t31"."order_id" = "t20"."oid"
        LEFT OUTER JOIN "t12" AS "t24"
          ON "t20"."customer_id" = "t24"."cid"
      ) AS "t32"
    ) AS "t34"
      ON "t29"."rcid" = "t34"."ocid"
      AND "t34"."os" < "t29"."rs"
      AND "t34"."os" >= (
        "t29"."rs" - 31536000
      )
  ) AS "t35"
  GROUP BY
    1,
    2,
    3,
    4
) AS "t36"
GROUP BY
  1,
  2
