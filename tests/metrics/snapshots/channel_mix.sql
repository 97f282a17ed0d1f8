SELECT
  "t11"."country",
  "t11"."period",
  "t11"."channel",
  "t11"."n",
  "t11"."k"
FROM (
  SELECT
    "t10"."country",
    "t10"."period",
    "t10"."channel",
    "t10"."k",
    SUM("t10"."k") OVER (
      PARTITION BY "t10"."country", "t10"."period"
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "n"
  FROM (
    SELECT
      "t9"."country",
      "t9"."period",
      "t9"."channel",
      SUM("t9"."touches") AS "k"
    FROM (
      SELECT
        "t8"."country",
        "t8"."customer_id",
        "t8"."channel",
        "t8"."grain",
        "t8"."touches",
        "t8"."days",
        "t8"."grain" AS "period"
      FROM (
        SELECT
          "t7"."country",
          "t7"."customer_id",
          "t7"."channel",
          "t7"."grain",
          COUNT(*) AS "touches",
          BIT_OR("t7"."bit") AS "days"
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
            ) - 1 AS "grain",
            1 << CAST(EXTRACT(day FROM "t6"."at") - 1 AS INT) AS "bit"
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
        ) AS "t7"
        GROUP BY
          1,
          2,
          3,
          4
      ) AS "t8"
    ) AS "t9"
    GROUP BY
      1,
      2,
      3
  ) AS "t10"
) AS "t11"
