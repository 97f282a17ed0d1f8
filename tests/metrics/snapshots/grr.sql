WITH "t2" AS (
  SELECT
    *
  FROM "subscriptions" AS "t0"
  LIMIT 1
), "t26" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          4 AS "d"
        FROM "t2" AS "t3"
      ) AS "t6"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          5 AS "d"
        FROM "t2" AS "t3"
      ) AS "t7"
    ) AS "t18"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          6 AS "d"
        FROM "t2" AS "t3"
      ) AS "t8"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          7 AS "d"
        FROM "t2" AS "t3"
      ) AS "t9"
    ) AS "t19"
  ) AS "t23"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          8 AS "d"
        FROM "t2" AS "t3"
      ) AS "t10"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          9 AS "d"
        FROM "t2" AS "t3"
      ) AS "t11"
    ) AS "t20"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            0 AS "d"
          FROM "t2" AS "t3"
        ) AS "t12"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            1 AS "d"
          FROM "t2" AS "t3"
        ) AS "t13"
      ) AS "t21"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            2 AS "d"
          FROM "t2" AS "t3"
        ) AS "t14"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            3 AS "d"
          FROM "t2" AS "t3"
        ) AS "t15"
      ) AS "t22"
    ) AS "t24"
  ) AS "t25"
), "t37" AS (
  SELECT
    "t27"."customer_id",
    "t27"."plan",
    "t27"."status",
    "t27"."currency",
    "t27"."started_at",
    "t27"."ended_at",
    "t27"."at",
    "t27"."mrr",
    "t27"."country",
    (
      (
        EXTRACT(year FROM "t27"."started_at") * 12
      ) + EXTRACT(month FROM "t27"."started_at")
    ) - 1 AS "sb",
    COALESCE(
      (
        (
          EXTRACT(year FROM "t27"."ended_at") * 12
        ) + EXTRACT(month FROM "t27"."ended_at")
      ) - 1,
      1000000000
    ) AS "eb"
  FROM (
    SELECT
      "t17"."customer_id",
      "t17"."plan",
      "t17"."status",
      "t17"."currency",
      "t17"."started_at",
      "t17"."ended_at",
      "t17"."at",
      "t17"."mrr",
      "t16"."c_country" AS "country"
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
    ) AS "t17"
    LEFT OUTER JOIN (
      SELECT
        "t1"."id" AS "cid",
        "t1"."country" AS "c_country"
      FROM "customers" AS "t1"
    ) AS "t16"
      ON "t17"."customer_id" = "t16"."cid"
  ) AS "t27"
)
SELECT
  "t47"."country",
  "t47"."period",
  COUNT(*) AS "n",
  SUM(LEAST("t47"."mrr_e", "t47"."mrr_s")) AS "num",
  SUM("t47"."mrr_s") AS "den"
FROM (
  SELECT
    "t46"."country",
    "t46"."p" AS "period",
    "t46"."customer_id",
    "t46"."mrr_s",
    "t46"."mrr_e"
  FROM (
    SELECT
      "t45"."country",
      "t45"."p",
      "t45"."customer_id",
      SUM(
        CASE
          WHEN (
            "t45"."sb" < "t45"."p"
          ) AND (
            "t45"."eb" >= "t45"."p"
          )
          THEN "t45"."mrr"
          ELSE 0.0
        END
      ) AS "mrr_s",
      SUM(
        CASE
          WHEN (
            "t45"."sb" <= "t45"."p"
          ) AND (
            "t45"."eb" > "t45"."p"
          )
          THEN "t45"."mrr"
          ELSE 0.0
        END
      ) AS "mrr_e"
    FROM (
      SELECT
        "t39"."customer_id",
        "t39"."plan",
        "t39"."status",
        "t39"."currency",
        "t39"."started_at",
        "t39"."ended_at",
        "t39"."at",
        "t39"."mrr",
        "t39"."country",
        "t39"."sb",
        "t39"."eb",
        "t44"."p"
      FROM "t37" AS "t39"
      CROSS JOIN (
        SELECT
          "t42"."p"
        FROM (
          SELECT
            "t41"."low" + "t33"."d0" + (
              "t34"."d1" * 10
            ) + (
              "t35"."d2" * 100
            ) + (
              "t36"."d3" * 1000
            ) AS "p",
            "t41"."high"
          FROM (
            SELECT
              "t28"."d" AS "d0"
            FROM "t26" AS "t28"
          ) AS "t33"
          CROSS JOIN (
            SELECT
              "t28"."d" AS "d1"
            FROM "t26" AS "t28"
          ) AS "t34"
          CROSS JOIN (
            SELECT
              "t28"."d" AS "d2"
            FROM "t26" AS "t28"
          ) AS "t35"
          CROSS JOIN (
            SELECT
              "t28"."d" AS "d3"
            FROM "t26" AS "t28"
          ) AS "t36"
          CROSS JOIN (
            SELECT
              MIN("t38"."sb") AS "low",
              MAX(CASE WHEN "t38"."ended_at" IS NOT NULL THEN "t38"."eb" ELSE "t38"."sb" END) AS "high"
            FROM "t37" AS "t38"
          ) AS "t41"
        ) AS "t42"
        WHERE
          "t42"."p" <= "t42"."high"
      ) AS "t44"
    ) AS "t45"
    GROUP BY
      1,
      2,
      3
  ) AS "t46"
  WHERE
    "t46"."mrr_s" > 0
) AS "t47"
GROUP BY
  1,
  2
