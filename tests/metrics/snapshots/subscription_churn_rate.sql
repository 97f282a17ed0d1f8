WITH "t8" AS (
  SELECT
    "t7"."country",
    "t7"."a",
    COALESCE("t7"."b", 1000000000) AS "b",
    GREATEST("t7"."a", COALESCE("t7"."b", "t7"."a")) AS "bound"
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
  "t16"."country",
  "t16"."n",
  "t16"."k",
  "t16"."p" AS "period"
FROM (
  SELECT
    "t15"."country",
    "t15"."p",
    "t15"."starts",
    "t15"."ends",
    "t15"."same",
    "t15"."top",
    (
      SUM("t15"."starts") OVER (
        PARTITION BY "t15"."country"
        ORDER BY "t15"."p" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) - "t15"."starts"
    ) - (
      SUM("t15"."ends") OVER (
        PARTITION BY "t15"."country"
        ORDER BY "t15"."p" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) - "t15"."ends"
    ) AS "n",
    "t15"."ends" - "t15"."same" AS "k",
    MAX("t15"."top") OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS "bound"
  FROM (
    SELECT
      "t14"."country",
      "t14"."p",
      SUM("t14"."starts") AS "starts",
      SUM("t14"."ends") AS "ends",
      SUM("t14"."same") AS "same",
      MAX("t14"."top") AS "top"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t10"."country",
          "t10"."a" AS "p",
          "t10"."starts",
          "t10"."top",
          0 AS "ends",
          0 AS "same"
        FROM (
          SELECT
            "t9"."country",
            "t9"."a",
            COUNT(*) AS "starts",
            MAX("t9"."bound") AS "top"
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
          "t11"."country",
          "t11"."b" AS "p",
          0 AS "starts",
          CAST(NULL AS BIGINT) AS "top",
          "t11"."ends",
          "t11"."same"
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
        ) AS "t11"
      ) AS "t13"
    ) AS "t14"
    GROUP BY
      1,
      2
  ) AS "t15"
) AS "t16"
WHERE
  "t16"."n" > 0 AND "t16"."p" < "t16"."bound"
