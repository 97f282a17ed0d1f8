WITH "t8" AS (
  SELECT
    "t7"."country",
    "t7"."a",
    COALESCE("t7"."b", 1000000000) AS "b",
    GREATEST(
      MAX("t7"."a") OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
      COALESCE(
        MAX("t7"."b") OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
        MAX("t7"."a") OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
      )
    ) AS "bound"
  FROM (
    SELECT
      "t6"."country",
      (
        (
          EXTRACT(year FROM "t6"."started_at") * 12
        ) + EXTRACT(month FROM "t6"."started_at")
      ) - 1 AS "a",
      (
        (
          EXTRACT(year FROM "t6"."ended_at") * 12
        ) + EXTRACT(month FROM "t6"."ended_at")
      ) - 1 AS "b"
    FROM (
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
    ) AS "t6"
  ) AS "t7"
)
SELECT
  "t17"."country",
  "t17"."n",
  "t17"."k",
  "t17"."p" AS "period"
FROM (
  SELECT
    "t16"."country",
    "t16"."p",
    "t16"."starts",
    "t16"."ends",
    "t16"."same",
    (
      SUM("t16"."starts") OVER (
        PARTITION BY "t16"."country"
        ORDER BY "t16"."p" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) - "t16"."starts"
    ) - (
      SUM("t16"."ends") OVER (
        PARTITION BY "t16"."country"
        ORDER BY "t16"."p" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) - "t16"."ends"
    ) AS "n",
    "t16"."ends" - "t16"."same" AS "k"
  FROM (
    SELECT
      "t15"."country",
      "t15"."p",
      SUM("t15"."starts") AS "starts",
      SUM("t15"."ends") AS "ends",
      SUM("t15"."same") AS "same"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t10"."country",
          "t10"."a" AS "p",
          "t10"."starts",
          0 AS "ends",
          0 AS "same"
        FROM (
          SELECT
            "t9"."country",
            "t9"."a",
            COUNT(*) AS "starts"
          FROM "t8" AS "t9"
          GROUP BY
            1,
            2
        ) AS "t10"
      ) AS "t12"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t13"."country",
          "t13"."b" AS "p",
          0 AS "starts",
          "t13"."ends",
          "t13"."same"
        FROM (
          SELECT
            "t9"."country",
            "t9"."b",
            COUNT(*) AS "ends",
            SUM(CASE WHEN "t9"."a" = "t9"."b" THEN 1 ELSE 0 END) AS "same"
          FROM "t8" AS "t9"
          GROUP BY
            1,
            2
        ) AS "t13"
      ) AS "t14"
    ) AS "t15"
    GROUP BY
      1,
      2
  ) AS "t16"
) AS "t17"
WHERE
  "t17"."n" > 0
  AND "t17"."p" < (
    SELECT
      MAX("t9"."bound") AS "Max(bound)"
    FROM "t8" AS "t9"
  )
