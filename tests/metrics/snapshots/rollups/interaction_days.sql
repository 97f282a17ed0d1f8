-- rollup version 2
SELECT
  "t1"."customer_id",
  "t1"."channel",
  "t1"."day",
  "t1"."month",
  "t1"."mday",
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
    )) AS BIGINT) AS "day",
    (
      (
        EXTRACT(year FROM "t0"."occurred_at") * 12
      ) + EXTRACT(month FROM "t0"."occurred_at")
    ) - 1 AS "month",
    EXTRACT(day FROM "t0"."occurred_at") AS "mday"
  FROM "interactions" AS "t0"
) AS "t1"
GROUP BY
  1,
  2,
  3,
  4,
  5
