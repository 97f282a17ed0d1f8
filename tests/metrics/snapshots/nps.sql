SELECT
  "t17"."country",
  "t17"."period",
  SUM("t17"."w") AS "n",
  SUM(CASE WHEN "t17"."score" >= 9 THEN "t17"."w" ELSE 0 END) AS "promoters",
  SUM(CASE WHEN "t17"."score" <= 6 THEN "t17"."w" ELSE 0 END) AS "detractors"
FROM (
  SELECT
    *
  FROM (
    SELECT
      "t15"."country",
      "t15"."period",
      "t15"."question_type",
      "t15"."survey_kind",
      "t15"."scale_min",
      "t15"."scale_max",
      "t15"."score",
      COUNT(*) AS "w"
    FROM (
      SELECT
        "t14"."response_id",
        "t14"."question_key",
        "t14"."question_type",
        "t14"."score",
        "t14"."customer_id",
        "t14"."at",
        "t14"."channel",
        "t14"."touchpoint",
        "t14"."language",
        "t14"."survey",
        "t14"."survey_kind",
        "t14"."scale_min",
        "t14"."scale_max",
        "t14"."country",
        (
          (
            EXTRACT(year FROM "t14"."at") * 12
          ) + EXTRACT(month FROM "t14"."at")
        ) - 1 AS "period"
      FROM (
        SELECT
          "t5"."response_id",
          "t5"."question_key",
          "t5"."question_type",
          "t5"."score",
          "t10"."customer_id",
          "t10"."at",
          "t10"."channel",
          "t10"."touchpoint",
          "t5"."language",
          "t11"."survey",
          "t11"."survey_kind",
          "t12"."scale_min",
          "t12"."scale_max",
          "t13"."c_country" AS "country"
        FROM "answers" AS "t5"
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
        ) AS "t10"
          ON "t5"."response_id" = "t10"."rid"
        INNER JOIN (
          SELECT
            "t2"."id" AS "sid",
            "t2"."key" AS "survey",
            "t2"."kind" AS "survey_kind"
          FROM "surveys" AS "t2"
        ) AS "t11"
          ON "t10"."survey_id" = "t11"."sid"
        LEFT OUTER JOIN (
          SELECT
            "t3"."survey_id" AS "qsid",
            "t3"."key" AS "qkey",
            "t3"."scale_min",
            "t3"."scale_max"
          FROM "survey_questions" AS "t3"
        ) AS "t12"
          ON "t10"."survey_id" = "t12"."qsid" AND "t5"."question_key" = "t12"."qkey"
        LEFT OUTER JOIN (
          SELECT
            "t4"."id" AS "cid",
            "t4"."country" AS "c_country"
          FROM "customers" AS "t4"
        ) AS "t13"
          ON "t10"."customer_id" = "t13"."cid"
      ) AS "t14"
      WHERE
        "t14"."score" IS NOT NULL AND "t14"."question_type" IN ('nps', 'csat', 'ces')
    ) AS "t15"
    GROUP BY
      1,
      2,
      3,
      4,
      5,
      6,
      7
  ) AS "t16"
  WHERE
    "t16"."question_type" = 'nps'
    AND "t16"."score" >= COALESCE("t16"."scale_min", 0)
    AND "t16"."score" <= COALESCE("t16"."scale_max", 10)
    AND COALESCE("t16"."survey_kind", '') <> 'enps'
) AS "t17"
GROUP BY
  1,
  2
