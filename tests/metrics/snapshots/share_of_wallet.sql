WITH "t13" AS (
  SELECT
    "t4"."id" AS "cid",
    "t4"."country" AS "c_country"
  FROM "customers" AS "t4"
)
SELECT
  "t35"."country",
  "t35"."period",
  COUNT(
    CASE
      WHEN CASE
        WHEN (
          COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE))
      END IS NULL
      THEN CASE
        WHEN (
          COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE))
      END
      ELSE GREATEST(
        0.0,
        CASE
          WHEN (
            COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE))
        END
      )
    END * 100.0
  ) AS "n",
  SUM(
    CASE
      WHEN CASE
        WHEN (
          COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE))
      END IS NULL
      THEN CASE
        WHEN (
          COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE))
      END
      ELSE GREATEST(
        0.0,
        CASE
          WHEN (
            COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE))
        END
      )
    END * 100.0
  ) AS "s",
  SUM(
    CASE
      WHEN CASE
        WHEN (
          COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE))
      END IS NULL
      THEN CASE
        WHEN (
          COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE))
      END
      ELSE GREATEST(
        0.0,
        CASE
          WHEN (
            COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE))
        END
      )
    END * 100.0 * (
      CASE
        WHEN CASE
          WHEN (
            COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE))
        END IS NULL
        THEN CASE
          WHEN (
            COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE))
        END
        ELSE GREATEST(
          0.0,
          CASE
            WHEN (
              COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
            ) IS NULL
            THEN COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE)
            ELSE LEAST(1.0, COALESCE("t35"."ours", 0.0) / CAST("t35"."stated" AS DOUBLE))
          END
        )
      END * 100.0
    )
  ) AS "ss"
FROM (
  SELECT
    "t34"."country",
    "t34"."period",
    "t34"."response_id",
    "t34"."stated",
    SUM("t34"."net") AS "ours"
  FROM (
    SELECT
      "t28"."country",
      "t28"."period",
      "t28"."response_id",
      "t28"."rcid",
      "t28"."stated",
      "t28"."rs",
      "t33"."ocid",
      "t33"."os",
      "t33"."net"
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
    ) AS "t28"
    LEFT OUTER JOIN (
      SELECT
        "t31"."customer_id" AS "ocid",
        EPOCH(CAST("t31"."at" AS TIMESTAMP)) AS "os",
        "t31"."net"
      FROM (
        SELECT
          "t30"."order_id",
          "t20"."customer_id",
          "t20"."at",
          "t20"."channel",
          "t20"."status",
          "t20"."currency",
          "t30"."units",
          "t30"."returned_units",
          "t30"."gross",
          "t30"."net",
          (
            "t20"."status" <> 'cancelled'
          ) AND (
            "t30"."units" > 0
          ) AS "purchase",
          "t23"."c_country" AS "country"
        FROM (
          SELECT
            "t26"."order_id",
            SUM(
              CASE WHEN "t26"."quantity" > 0 THEN CAST("t26"."quantity" AS DOUBLE) ELSE 0.0 END
            ) AS "units",
            SUM(
              CASE
                WHEN "t26"."quantity" > 0
                THEN 0.0
                ELSE -(
                  CAST("t26"."quantity" AS DOUBLE)
                )
              END
            ) AS "returned_units",
            SUM(CASE WHEN "t26"."quantity" > 0 THEN "t26"."value" ELSE 0.0 END) AS "gross",
            SUM("t26"."value") AS "net"
          FROM (
            SELECT
              "t24"."order_id",
              "t24"."category",
              "t24"."sku",
              "t24"."quantity",
              (
                CAST("t24"."quantity" AS DOUBLE) * CAST("t24"."unit_price" AS DOUBLE)
              ) - COALESCE(CAST("t24"."discount" AS DOUBLE), 0.0) AS "value"
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
          ) AS "t26"
          GROUP BY
            1
        ) AS "t30"
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
          ON "t30"."order_id" = "t20"."oid"
        LEFT OUTER JOIN "t13" AS "t23"
          ON "t20"."customer_id" = "t23"."cid"
      ) AS "t31"
    ) AS "t33"
      ON "t28"."rcid" = "t33"."ocid"
      AND "t33"."os" < "t28"."rs"
      AND "t33"."os" >= (
        "t28"."rs" - 31536000
      )
  ) AS "t34"
  GROUP BY
    1,
    2,
    3,
    4
) AS "t35"
GROUP BY
  1,
  2
