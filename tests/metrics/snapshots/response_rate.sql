SELECT
  "t10"."country",
  "t10"."period",
  COUNT(*) AS "n",
  SUM(CASE WHEN "t10"."responded" THEN 1 ELSE 0 END) AS "k"
FROM (
  SELECT
    "t9"."customer_id",
    "t9"."channel",
    "t9"."trigger",
    "t9"."survey",
    "t9"."survey_kind",
    "t9"."at",
    "t9"."responded",
    "t9"."country",
    (
      (
        EXTRACT(year FROM "t9"."at") * 12
      ) + EXTRACT(month FROM "t9"."at")
    ) - 1 AS "period"
  FROM (
    SELECT
      "t8"."customer_id",
      "t8"."channel",
      "t8"."trigger",
      "t6"."survey",
      "t6"."survey_kind",
      "t8"."sent_at" AS "at",
      (
        "t8"."responded_at" IS NOT NULL
      ) OR (
        "t8"."status" = 'responded'
      ) AS "responded",
      "t7"."c_country" AS "country"
    FROM (
      SELECT
        *
      FROM "invitations" AS "t0"
      WHERE
        "t0"."sent_at" IS NOT NULL
    ) AS "t8"
    INNER JOIN (
      SELECT
        "t1"."id" AS "sid",
        "t1"."key" AS "survey",
        "t1"."kind" AS "survey_kind"
      FROM "surveys" AS "t1"
    ) AS "t6"
      ON "t8"."survey_id" = "t6"."sid"
    LEFT OUTER JOIN (
      SELECT
        "t2"."id" AS "cid",
        "t2"."country" AS "c_country"
      FROM "customers" AS "t2"
    ) AS "t7"
      ON "t8"."customer_id" = "t7"."cid"
  ) AS "t9"
) AS "t10"
GROUP BY
  1,
  2
