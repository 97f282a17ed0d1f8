"""Fit and score every model on a synthetic store; runs and scores land in the canonical tables."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.core import EventBus, FixedClock
from opencx.customers.service import CustomerService
from opencx.db.schema import customer_scores, customers, model_runs
from opencx.modeling.service import ModelingService

MODELS = ("rfm", "personas", "loyalty-types", "clv", "churn", "nbo")


@pytest.mark.slow  # queued among the first files (tests/scheduling.py)
def test_fit_and_score_every_model(synthetic: tuple[Engine, object], clock: FixedClock) -> None:
    engine, _planted = synthetic
    contacts = CustomerService(engine, clock, EventBus(), secret_key="test-secret").contacts
    service = ModelingService(engine, secret_key="test-secret", clock=clock, contacts=contacts)
    steps: list[str] = []
    runs = {m: service.fit(m, progress=steps.append) for m in MODELS}
    assert "save" in steps
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(model_runs)).scalar() == 6
        kinds = dict(
            conn.execute(
                sa.select(customer_scores.c.kind, sa.func.count()).group_by(customer_scores.c.kind)
            ).all()
        )
    assert set(kinds) >= {
        "rfm_segment",
        "persona",
        "loyal_type",
        "clv_12m",
        "p_alive",
        "churn_risk",
        "nbo",
    }
    churn = runs["churn"]
    assert churn.metrics["mode"] == "time"
    assert churn.metrics["auc"] > 0.6, churn.metrics
    assert len(churn.data_fingerprint) == 64
    nbo = runs["nbo"].metrics
    print("nbo", nbo, "churn", {k: churn.metrics[k] for k in ("auc", "pr_auc", "brier")})
    assert nbo["hit_rate"] >= nbo["hit_rate_popularity"]
    run, n = service.score("rfm")
    assert run.id == runs["rfm"].id and n == kinds["rfm_segment"]
    _, rows = service.scores("churn", "churn_risk", limit=5)
    assert rows and "reasons" in rows[0]["details"]
    mbg = service.fit("clv", config={"purchase_model": "mbgnbd"})
    assert mbg.params["purchase_model"] == "mbgnbd" and mbg.params["gamma_gamma"]["q"] > 1
    _, clv_rows = service.scores("clv", "clv_12m", limit=3)
    assert clv_rows[0]["details"]["purchase_model"] == "mbgnbd"
    assert clv_rows[0]["details"]["discounted"] is True
    pareto = service.fit("clv", config={"purchase_model": "pareto_nbd"})
    assert pareto.params["purchase_model"] == "pareto_nbd"
    text = service.churn_csv(top=10)
    assert text.splitlines()[0] == "customer_id,name,email,churn_risk,reasons"
    assert len(text.splitlines()) == 11
    formula = '=HYPERLINK("http://evil.example","Click")'
    with engine.begin() as conn:  # a customer's name from a hostile source
        conn.execute(sa.update(customers).values(name=formula))
    rows = list(csv.DictReader(io.StringIO(service.churn_csv(top=10))))
    assert rows and {r["name"] for r in rows} == {"'" + formula}


LOADED: list[str] = []


def _ran(what: str) -> None:
    LOADED.append(what)


class _Payload:
    """Unpickling this runs code: what a forged artifact in the database would do."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (_ran, ("payload ran",))


def test_a_churn_artifact_not_signed_with_our_key_is_never_unpickled(
    synthetic: tuple[Engine, object], clock: FixedClock
) -> None:
    import base64
    import pickle
    import zlib

    import pytest

    from opencx.core.errors import Conflict

    engine, _planted = synthetic
    service = ModelingService(engine, secret_key="test-secret", clock=clock)
    run = service.fit("churn")
    assert len(run.params["artifact_mac"]) == 64
    assert service.score("churn")[1] > 0  # our own signature verifies
    other = ModelingService(engine, secret_key="another-secret", clock=clock)
    with pytest.raises(Conflict, match=r"not signed with this installation's secret key"):
        other.score("churn")
    forged = base64.b64encode(zlib.compress(pickle.dumps(_Payload()))).decode("ascii")
    with engine.begin() as conn:
        params = conn.execute(sa.select(model_runs.c.params).where(model_runs.c.id == run.id))
        doc = dict(params.scalar_one())
        doc["artifact"] = forged  # an attacker with write access to the table, keeping the mac
        conn.execute(model_runs.update().where(model_runs.c.id == run.id).values(params=doc))
    with pytest.raises(Conflict, match="refit: opencx models fit churn"):
        service.score("churn")
    assert LOADED == []
    refit = service.fit("churn")  # refitting ignores the forged artifact and signs the new one
    assert LOADED == [] and service.score("churn")[0].id == refit.id
