SELECT
  "t8"."country",
  "t8"."period",
  COUNT(CAST("t8"."days" AS DOUBLE)) AS "n",
  SUM(CAST("t8"."days" AS DOUBLE)) AS "s",
  SUM(CAST("t8"."days" AS DOUBLE) * CAST("t8"."days" AS DOUBLE)) AS "ss"
FROM (
  SELECT
    "t7"."country",
    "t7"."period",
    "t7"."customer_id",
    COUNT(
      DISTINCT CAST(FLOOR((
        EPOCH(CAST("t7"."at" AS TIMESTAMP))
      ) / (
        86400
      )) AS BIGINT)
    ) AS "days",
    COUNT(*) AS "touches",
    COUNT(DISTINCT "t7"."channel") AS "channels"
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
      ) - 1 AS "period"
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
    3
) AS "t8"
GROUP BY
  1,
  2
