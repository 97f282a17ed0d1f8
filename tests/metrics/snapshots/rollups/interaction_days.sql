-- rollup version 1
SELECT
  "t1"."customer_id",
  "t1"."channel",
  "t1"."day",
  COUNT(*) AS "touches"
FROM (
  SELECT
    "t0"."customer_id",
    "t0"."channel",
    "t0"."kind",
    "t0"."touchpoint",
    "t0"."campaign",
    "t0"."occurred_at" AS "at",
    CAST(FLOOR((
      EPOCH(CAST("t0"."occurred_at" AS TIMESTAMP))
    ) / (
      86400
    )) AS BIGINT) AS "day"
  FROM "interactions" AS "t0"
) AS "t1"
GROUP BY
  1,
  2,
  3
