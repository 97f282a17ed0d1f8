-- rollup version 2
SELECT
  "t7"."day",
  "t7"."survey",
  "t7"."survey_kind",
  "t7"."channel",
  "t7"."trigger",
  COUNT(*) AS "n",
  SUM(CASE WHEN "t7"."responded" THEN 1 ELSE 0 END) AS "k"
FROM (
  SELECT
    "t6"."customer_id",
    "t6"."channel",
    "t6"."trigger",
    "t6"."survey",
    "t6"."survey_kind",
    "t6"."at",
    "t6"."responded",
    CAST(FLOOR((
      EPOCH(CAST("t6"."at" AS TIMESTAMP))
    ) / (
      86400
    )) AS BIGINT) AS "day"
  FROM (
    SELECT
      "t5"."customer_id",
      "t5"."channel",
      "t5"."trigger",
      "t4"."survey",
      "t4"."survey_kind",
      "t5"."sent_at" AS "at",
      (
        "t5"."responded_at" IS NOT NULL
      ) OR (
        "t5"."status" = 'responded'
      ) AS "responded"
    FROM (
      SELECT
        *
      FROM "invitations" AS "t0"
      WHERE
        "t0"."sent_at" IS NOT NULL
    ) AS "t5"
    INNER JOIN (
      SELECT
        "t1"."id" AS "sid",
        "t1"."key" AS "survey",
        "t1"."kind" AS "survey_kind"
      FROM "surveys" AS "t1"
    ) AS "t4"
      ON "t5"."survey_id" = "t4"."sid"
  ) AS "t6"
) AS "t7"
GROUP BY
  1,
  2,
  3,
  4,
  5
