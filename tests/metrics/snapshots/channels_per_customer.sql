WITH "t8" AS (
  SELECT
    "t7"."country",
    "t7"."period",
    "t7"."customer_id",
    "t7"."channel",
    "t7"."day",
    COUNT(*) AS "touches"
  FROM (
    SELECT
      "t6"."customer_id",
      "t6"."channel",
      "t6"."kind",
      "t6"."touchpoint",
      "t6"."campaign",
      "t6"."at",
      "t6"."country",
      (
        (
          EXTRACT(year FROM "t6"."at") * 12
        ) + EXTRACT(month FROM "t6"."at")
      ) - 1 AS "period",
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
    4,
    5
)
SELECT
  "t16"."country",
  "t16"."period",
  COUNT(CAST("t16"."channels" AS DOUBLE)) AS "n",
  SUM(CAST("t16"."channels" AS DOUBLE)) AS "s",
  SUM(CAST("t16"."channels" AS DOUBLE) * CAST("t16"."channels" AS DOUBLE)) AS "ss"
FROM (
  SELECT
    "t15"."country",
    "t15"."period",
    "t15"."customer_id",
    "t15"."touches",
    "t15"."channels",
    "t13"."days"
  FROM (
    SELECT
      "t11"."country",
      "t11"."period",
      "t11"."customer_id",
      SUM("t11"."touches") AS "touches",
      COUNT(*) AS "channels"
    FROM (
      SELECT
        "t9"."country",
        "t9"."period",
        "t9"."customer_id",
        "t9"."channel",
        SUM("t9"."touches") AS "touches"
      FROM "t8" AS "t9"
      GROUP BY
        1,
        2,
        3,
        4
    ) AS "t11"
    GROUP BY
      1,
      2,
      3
  ) AS "t15"
  INNER JOIN (
    SELECT
      "t10"."country",
      "t10"."period",
      "t10"."customer_id",
      COUNT(*) AS "days"
    FROM (
      SELECT DISTINCT
        "t9"."country",
        "t9"."period",
        "t9"."customer_id",
        "t9"."day"
      FROM "t8" AS "t9"
    ) AS "t10"
    GROUP BY
      1,
      2,
      3
  ) AS "t13"
    ON "t15"."country" = "t13"."country"
    AND "t15"."period" = "t13"."period"
    AND "t15"."customer_id" = "t13"."customer_id"
) AS "t16"
GROUP BY
  1,
  2
