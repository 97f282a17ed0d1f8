WITH "t6" AS (
  SELECT
    "t5"."customer_id",
    "t5"."plan",
    "t5"."status",
    "t5"."currency",
    "t5"."started_at",
    "t5"."ended_at",
    "t5"."at",
    "t5"."mrr",
    "t4"."c_country" AS "country"
  FROM (
    SELECT
      "t0"."customer_id",
      "t0"."plan",
      "t0"."status",
      "t0"."currency",
      "t0"."started_at",
      "t0"."ended_at",
      "t0"."started_at" AS "at",
      CAST("t0"."mrr" AS DOUBLE) AS "mrr"
    FROM "subscriptions" AS "t0"
  ) AS "t5"
  LEFT OUTER JOIN (
    SELECT
      "t1"."id" AS "cid",
      "t1"."country" AS "c_country"
    FROM "customers" AS "t1"
  ) AS "t4"
    ON "t5"."customer_id" = "t4"."cid"
)
SELECT
  "t17"."country",
  "t17"."period",
  COUNT(*) AS "n",
  SUM("t17"."mrr_e") AS "num",
  SUM("t17"."mrr_s") AS "den"
FROM (
  SELECT
    "t16"."country",
    "t16"."p" AS "period",
    "t16"."customer_id",
    "t16"."mrr_s",
    "t16"."mrr_e"
  FROM (
    SELECT
      "t15"."country",
      "t15"."p",
      "t15"."customer_id",
      SUM(
        CASE
          WHEN (
            "t15"."sb" < "t15"."p"
          ) AND (
            "t15"."eb" >= "t15"."p"
          )
          THEN "t15"."mrr"
          ELSE 0.0
        END
      ) AS "mrr_s",
      SUM(
        CASE
          WHEN (
            "t15"."sb" <= "t15"."p"
          ) AND (
            "t15"."eb" > "t15"."p"
          )
          THEN "t15"."mrr"
          ELSE 0.0
        END
      ) AS "mrr_e"
    FROM (
      SELECT
        "t11"."customer_id",
        "t11"."plan",
        "t11"."status",
        "t11"."currency",
        "t11"."started_at",
        "t11"."ended_at",
        "t11"."at",
        "t11"."mrr",
        "t11"."country",
        "t11"."sb",
        "t11"."eb",
        "t14"."p"
      FROM (
        SELECT
          "t7"."customer_id",
          "t7"."plan",
          "t7"."status",
          "t7"."currency",
          "t7"."started_at",
          "t7"."ended_at",
          "t7"."at",
          "t7"."mrr",
          "t7"."country",
          (
            (
              EXTRACT(year FROM "t7"."started_at") * 12
            ) + EXTRACT(month FROM "t7"."started_at")
          ) - 1 AS "sb",
          COALESCE(
            (
              (
                EXTRACT(year FROM "t7"."ended_at") * 12
              ) + EXTRACT(month FROM "t7"."ended_at")
            ) - 1,
            1000000000
          ) AS "eb"
        FROM "t6" AS "t7"
      ) AS "t11"
      CROSS JOIN (
        SELECT DISTINCT
          *
        FROM (
          SELECT
            *
          FROM (
            SELECT
              (
                (
                  EXTRACT(year FROM "t7"."started_at") * 12
                ) + EXTRACT(month FROM "t7"."started_at")
              ) - 1 AS "p"
            FROM "t6" AS "t7"
          ) AS "t8"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              COALESCE(
                (
                  (
                    EXTRACT(year FROM "t7"."ended_at") * 12
                  ) + EXTRACT(month FROM "t7"."ended_at")
                ) - 1,
                1000000000
              ) AS "p"
            FROM "t6" AS "t7"
            WHERE
              "t7"."ended_at" IS NOT NULL
          ) AS "t10"
        ) AS "t12"
      ) AS "t14"
    ) AS "t15"
    GROUP BY
      1,
      2,
      3
  ) AS "t16"
  WHERE
    "t16"."mrr_s" > 0
) AS "t17"
GROUP BY
  1,
  2
