-- rollup version 2
SELECT
  "t12"."day",
  "t12"."survey",
  "t12"."channel",
  "t12"."touchpoint",
  "t12"."language",
  "t12"."question_type",
  "t12"."survey_kind",
  "t12"."scale_min",
  "t12"."scale_max",
  "t12"."score",
  COUNT(*) AS "w"
FROM (
  SELECT
    "t11"."response_id",
    "t11"."question_key",
    "t11"."question_type",
    "t11"."score",
    "t11"."customer_id",
    "t11"."at",
    "t11"."channel",
    "t11"."touchpoint",
    "t11"."language",
    "t11"."survey",
    "t11"."survey_kind",
    "t11"."scale_min",
    "t11"."scale_max",
    CAST(FLOOR((
      EPOCH(CAST("t11"."at" AS TIMESTAMP))
    ) / (
      86400
    )) AS BIGINT) AS "day"
  FROM (
    SELECT
      "t4"."response_id",
      "t4"."question_key",
      "t4"."question_type",
      "t4"."score",
      "t8"."customer_id",
      "t8"."at",
      "t8"."channel",
      "t8"."touchpoint",
      "t4"."language",
      "t9"."survey",
      "t9"."survey_kind",
      "t10"."scale_min",
      "t10"."scale_max"
    FROM "answers" AS "t4"
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
    ) AS "t8"
      ON "t4"."response_id" = "t8"."rid"
    INNER JOIN (
      SELECT
        "t2"."id" AS "sid",
        "t2"."key" AS "survey",
        "t2"."kind" AS "survey_kind"
      FROM "surveys" AS "t2"
    ) AS "t9"
      ON "t8"."survey_id" = "t9"."sid"
    LEFT OUTER JOIN (
      SELECT
        "t3"."survey_id" AS "qsid",
        "t3"."key" AS "qkey",
        "t3"."scale_min",
        "t3"."scale_max"
      FROM "survey_questions" AS "t3"
    ) AS "t10"
      ON "t8"."survey_id" = "t10"."qsid" AND "t4"."question_key" = "t10"."qkey"
  ) AS "t11"
  WHERE
    "t11"."score" IS NOT NULL AND "t11"."question_type" IN ('nps', 'csat', 'ces')
) AS "t12"
GROUP BY
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  10
