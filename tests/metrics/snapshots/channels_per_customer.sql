WITH "t8" AS (
  SELECT
    "t7"."country",
    "t7"."customer_id",
    "t7"."channel",
    "t7"."day",
    COUNT(*) AS "touches",
    MIN("t7"."at") AS "first"
  FROM (
    SELECT
      "t6"."customer_id",
      "t6"."channel",
      "t6"."kind",
      "t6"."touchpoint",
      "t6"."campaign",
      "t6"."at",
      "t6"."country",
      CAST(FLOOR((
        EPOCH(CAST("t6"."at" AS TIMESTAMP))
      ) / (
        86400
      )) AS BIGINT) AS "day"
    FROM (
      SELECT
        "t4"."customer_id",
        "t4"."channel",
        "t4"."kind",
        "t4"."touchpoint",
        "t4"."campaign",
        "t4"."at",
        "t5"."c_country" AS "country"
      FROM (
        SELECT
          "t0"."customer_id",
          "t0"."channel",
          "t0"."kind",
          "t0"."touchpoint",
          "t0"."campaign",
          "t0"."occurred_at" AS "at"
        FROM "interactions" AS "t0"
      ) AS "t4"
      LEFT OUTER JOIN (
        SELECT
          "t1"."id" AS "cid",
          "t1"."country" AS "c_country"
        FROM "customers" AS "t1"
      ) AS "t5"
        ON "t4"."customer_id" = "t5"."cid"
    ) AS "t6"
    WHERE
      "t6"."customer_id" IS NOT NULL
  ) AS "t7"
  GROUP BY
    1,
    2,
    3,
    4
)
SELECT
  "t17"."country",
  "t17"."period",
  COUNT(CAST("t17"."channels" AS DOUBLE)) AS "n",
  SUM(CAST("t17"."channels" AS DOUBLE)) AS "s",
  SUM(CAST("t17"."channels" AS DOUBLE) * CAST("t17"."channels" AS DOUBLE)) AS "ss"
FROM (
  SELECT
    "t16"."country",
    "t16"."period",
    "t16"."customer_id",
    "t16"."touches",
    "t16"."channels",
    "t14"."days"
  FROM (
    SELECT
      "t13"."country",
      "t13"."period",
      "t13"."customer_id",
      SUM("t13"."touches") AS "touches",
      COUNT(*) AS "channels"
    FROM (
      SELECT
        "t10"."country",
        "t10"."period",
        "t10"."customer_id",
        "t10"."channel",
        SUM("t10"."touches") AS "touches"
      FROM (
        SELECT
          "t9"."country",
          "t9"."customer_id",
          "t9"."channel",
          "t9"."day",
          "t9"."touches",
          "t9"."first",
          (
            (
              EXTRACT(year FROM "t9"."first") * 12
            ) + EXTRACT(month FROM "t9"."first")
          ) - 1 AS "period"
        FROM "t8" AS "t9"
      ) AS "t10"
      GROUP BY
        1,
        2,
        3,
        4
    ) AS "t13"
    GROUP BY
      1,
      2,
      3
  ) AS "t16"
  INNER JOIN (
    SELECT
      "t11"."country",
      "t11"."period",
      "t11"."customer_id",
      COUNT(*) AS "days"
    FROM (
      SELECT DISTINCT
        "t9"."country",
        (
          (
            EXTRACT(year FROM "t9"."first") * 12
          ) + EXTRACT(month FROM "t9"."first")
        ) - 1 AS "period",
        "t9"."customer_id",
        "t9"."day"
      FROM "t8" AS "t9"
    ) AS "t11"
    GROUP BY
      1,
      2,
      3
  ) AS "t14"
    ON "t16"."country" = "t14"."country"
    AND "t16"."period" = "t14"."period"
    AND "t16"."customer_id" = "t14"."customer_id"
) AS "t17"
GROUP BY
  1,
  2
