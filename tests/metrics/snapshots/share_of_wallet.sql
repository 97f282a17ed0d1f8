SELECT
  "t33"."country",
  "t33"."period",
  COUNT(
    CASE
      WHEN CASE
        WHEN (
          COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE))
      END IS NULL
      THEN CASE
        WHEN (
          COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE))
      END
      ELSE GREATEST(
        0.0,
        CASE
          WHEN (
            COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE))
        END
      )
    END * 100.0
  ) AS "n",
  SUM(
    CASE
      WHEN CASE
        WHEN (
          COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE))
      END IS NULL
      THEN CASE
        WHEN (
          COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE))
      END
      ELSE GREATEST(
        0.0,
        CASE
          WHEN (
            COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE))
        END
      )
    END * 100.0
  ) AS "s",
  SUM(
    CASE
      WHEN CASE
        WHEN (
          COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE))
      END IS NULL
      THEN CASE
        WHEN (
          COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
        ) IS NULL
        THEN COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
        ELSE LEAST(1.0, COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE))
      END
      ELSE GREATEST(
        0.0,
        CASE
          WHEN (
            COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE))
        END
      )
    END * 100.0 * (
      CASE
        WHEN CASE
          WHEN (
            COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE))
        END IS NULL
        THEN CASE
          WHEN (
            COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
          ) IS NULL
          THEN COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
          ELSE LEAST(1.0, COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE))
        END
        ELSE GREATEST(
          0.0,
          CASE
            WHEN (
              COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
            ) IS NULL
            THEN COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE)
            ELSE LEAST(1.0, COALESCE("t33"."ours", 0.0) / CAST("t33"."stated" AS DOUBLE))
          END
        )
      END * 100.0
    )
  ) AS "ss"
FROM (
  SELECT
    "t32"."country",
    "t32"."period",
    "t32"."response_id",
    "t32"."stated",
    SUM("t32"."net") AS "ours"
  FROM (
    SELECT
      "t26"."country",
      "t26"."period",
      "t26"."response_id",
      "t26"."rcid",
      "t26"."stated",
      "t26"."rs",
      "t31"."ocid",
      "t31"."os",
      "t31"."net"
    FROM (
      SELECT
        "t22"."country",
        (
          (
            EXTRACT(year FROM "t22"."at") * 12
          ) + EXTRACT(month FROM "t22"."at")
        ) - 1 AS "period",
        "t22"."response_id",
        "t22"."customer_id" AS "rcid",
        "t22"."score" AS "stated",
        EPOCH(CAST("t22"."at" AS TIMESTAMP)) AS "rs"
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
          "t19"."c_country" AS "country"
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
        LEFT OUTER JOIN (
          SELECT
            "t4"."id" AS "cid",
            "t4"."country" AS "c_country"
          FROM "customers" AS "t4"
        ) AS "t19"
          ON "t16"."customer_id" = "t19"."cid"
      ) AS "t22"
      WHERE
        "t22"."question_key" = 'category_spend' AND "t22"."score" > 0
    ) AS "t26"
    LEFT OUTER JOIN (
      SELECT
        "t29"."customer_id" AS "ocid",
        EPOCH(CAST("t29"."at" AS TIMESTAMP)) AS "os",
        "t29"."net"
      FROM (
        SELECT
          "t28"."order_id",
          "t20"."customer_id",
          "t20"."at",
          "t20"."channel",
          "t20"."status",
          "t20"."currency",
          "t28"."units",
          "t28"."returned_units",
          "t28"."gross",
          "t28"."net",
          (
            "t20"."status" <> 'cancelled'
          ) AND (
            "t28"."units" > 0
          ) AS "purchase"
        FROM (
          SELECT
            "t24"."order_id",
            SUM(
              CASE WHEN "t24"."quantity" > 0 THEN CAST("t24"."quantity" AS DOUBLE) ELSE 0.0 END
            ) AS "units",
            SUM(
              CASE
                WHEN "t24"."quantity" > 0
                THEN 0.0
                ELSE -(
                  CAST("t24"."quantity" AS DOUBLE)
                )
              END
            ) AS "returned_units",
            SUM(CASE WHEN "t24"."quantity" > 0 THEN "t24"."value" ELSE 0.0 END) AS "gross",
            SUM("t24"."value") AS "net"
          FROM (
            SELECT
              "t23"."order_id",
              "t23"."category",
              "t23"."sku",
              "t23"."quantity",
              (
                CAST("t23"."quantity" AS DOUBLE) * CAST("t23"."unit_price" AS DOUBLE)
              ) - COALESCE(CAST("t23"."discount" AS DOUBLE), 0.0) AS "value"
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
            ) AS "t23"
            WHERE
              (
                "t23"."merch" IS NULL
              ) OR "t23"."merch"
          ) AS "t24"
          GROUP BY
            1
        ) AS "t28"
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
          ON "t28"."order_id" = "t20"."oid"
      ) AS "t29"
    ) AS "t31"
      ON "t26"."rcid" = "t31"."ocid"
      AND "t31"."os" < "t26"."rs"
      AND "t31"."os" >= (
        "t26"."rs" - 31536000
      )
  ) AS "t32"
  GROUP BY
    1,
    2,
    3,
    4
) AS "t33"
GROUP BY
  1,
  2
