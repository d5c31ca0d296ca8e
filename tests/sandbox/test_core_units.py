"""Pure pieces of the sandbox core: routing, the fault grammar, limit decisions, paging, state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plansync.sandbox.clock import FAKE_EPOCH, FakeTime
from plansync.sandbox.faults import Faults, FaultSpecError, Kind, parse_rule, parse_spec
from plansync.sandbox.github.paging import link_header
from plansync.sandbox.http import ApiError, Headers, Request, Response
from plansync.sandbox.limits import Bucket, GithubLimiter, GithubLimits, content_refusal
from plansync.sandbox.routing import Router
from plansync.sandbox.state import FIRST_ID, Account, Clock, Store

# --- routing ---------------------------------------------------------------------------------


def _router() -> Router:
    router = Router()

    @router.route("GET", "/projects/{id}/issues/{iid}")
    def issue(request: Request, store: object, id: str, iid: str) -> Response:
        return Response(200, {"id": id, "iid": iid})

    @router.route("GET", "/repos/{owner}/{repo}/contents/{path:path}")
    def contents(request: Request, store: object, owner: str, repo: str, path: str) -> Response:
        return Response(200, {"path": path})

    return router


def test_segments_are_split_before_decoding() -> None:
    response = _router().dispatch(Request("GET", "/projects/group%2Fproject/issues/3"), None)
    assert response.body == {"id": "group/project", "iid": "3"}
    assert response.route == "GET /projects/{id}/issues/{iid}"


def test_a_path_parameter_takes_the_rest() -> None:
    response = _router().dispatch(Request("GET", "/repos/o/r/contents/docs/a%20b.md"), None)
    assert response.body == {"path": "docs/a b.md"}


def test_no_match_is_404_and_a_wrong_method_405() -> None:
    with pytest.raises(ApiError) as caught:
        _router().dispatch(Request("GET", "/nothing"), None)
    assert caught.value.status == 404
    with pytest.raises(ApiError) as caught:
        _router().dispatch(Request("POST", "/projects/1/issues/2"), None)
    assert caught.value.status == 405


def test_request_helpers() -> None:
    form = Request(
        "POST",
        "/x",
        query={"a": ["1", "2"], "b[]": ["x", "y"]},
        headers=Headers({"content-type": "application/x-www-form-urlencoded"}),
        body=b"c=3",
    )
    assert form.params() == {"a": "2", "b[]": ["x", "y"], "c": "3"}
    assert form.headers.get("Content-Type") == "application/x-www-form-urlencoded"
    with pytest.raises(ApiError) as caught:
        Request("POST", "/x", body=b"{nope").json()
    assert caught.value.status == 400


# --- fault grammar ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "fields"),
    [
        ("POST /repos/*/issues: lost-response @3", Kind.LOST, {"method": "POST", "nth": 3}),
        ("*: 503 ~0.1", Kind.ERROR, {"method": "*", "status": 503, "rate": 0.1}),
        ("GET *: latency 200ms", Kind.LATENCY, {"method": "GET", "latency_ms": 200}),
        ("GET *: latency 2s", Kind.LATENCY, {"latency_ms": 2000}),
        ("*: reset ~0.05", Kind.RESET, {"rate": 0.05}),
        ("*: malformed @2+", Kind.MALFORMED, {"nth": 2, "onward": True}),
        ("patch /x: 500 %3", Kind.ERROR, {"method": "PATCH", "every": 3}),
    ],
)
def test_fault_rules_parse(text: str, kind: Kind, fields: dict[str, object]) -> None:
    rule = parse_rule(text)
    assert rule.kind is kind
    for name, value in fields.items():
        assert getattr(rule, name) == value


@pytest.mark.parametrize(
    "text", ["no colon", "GET: 500", "*: 404", "*: 503 ~2", "FETCH /x: 500", "*: latency", ": 500"]
)
def test_bad_fault_rules_are_refused(text: str) -> None:
    with pytest.raises(FaultSpecError):
        parse_rule(text)


def test_a_spec_holds_several_rules_and_blank_means_none() -> None:
    assert len(parse_spec("*: 503 @1; GET *: latency 5ms ;")) == 2
    assert parse_spec("  ") == []


def test_latency_stacks_but_only_one_other_fault_fires() -> None:
    faults = Faults(parse_spec("*: latency 5ms; *: 500; *: 502; GET *: latency 7ms"))
    picked = faults.pick("GET", "/x")
    assert [f.kind for f in picked] == [Kind.LATENCY, Kind.ERROR, Kind.LATENCY]
    assert picked[1].status == 500


@given(seed=st.integers(0, 10**6), rate=st.floats(0, 1))
def test_random_faults_replay_exactly_for_a_seed(seed: int, rate: float) -> None:
    def run() -> list[bool]:
        faults = Faults(parse_spec(f"*: 503 ~{rate:.3f}"), seed)
        return [bool(faults.pick("GET", "/x")) for _ in range(30)]

    assert run() == run()


# --- limits ----------------------------------------------------------------------------------


def test_primary_window_spends_then_refuses_then_resets() -> None:
    limiter, limits = GithubLimiter(), GithubLimits(rate_limit=2, rate_limit_window=60)
    for _ in range(2):
        assert limiter.admit("t", 1000.0, False, False, limits) is None
        limiter.release("t", refund=False)
    refusal = limiter.admit("t", 1001.0, False, False, limits)
    assert refusal is not None and refusal.status == 403
    assert refusal.headers["x-ratelimit-remaining"] == "0"
    assert refusal.headers["x-ratelimit-reset"] == "1060"
    assert limiter.admit("t", 1060.0, False, False, limits) is None  # a new window


def test_a_refund_gives_the_point_back_and_free_paths_cost_nothing() -> None:
    limiter, limits = GithubLimiter(), GithubLimits(rate_limit=1)
    assert limiter.admit("t", 0.0, False, False, limits) is None
    limiter.release("t", refund=True)
    assert limiter.admit("t", 0.0, False, True, limits) is None
    limiter.release("t", refund=False)
    assert limiter.snapshot("t", 0.0, limits)["remaining"] == 1


def test_content_creation_per_minute_and_per_hour() -> None:
    limits = GithubLimits(content_per_minute=2, content_per_hour=3)
    writes = Bucket().writes
    writes.extend([0.0, 1.0])
    assert content_refusal(writes, 30.0, limits)  # two in the last minute
    assert not content_refusal(writes, 61.5, limits)
    writes.append(61.5)
    assert content_refusal(writes, 200.0, limits)  # three in the hour
    assert not content_refusal(writes, 3601.0, limits)


def test_tokens_have_separate_buckets_and_anonymous_gets_60() -> None:
    limiter, limits = GithubLimiter(), GithubLimits(rate_limit=1)
    assert limiter.admit("a", 0.0, False, False, limits) is None
    assert limiter.admit("b", 0.0, False, False, limits) is None
    assert limiter.snapshot("", 0.0, limits)["limit"] == 60


# --- paging ----------------------------------------------------------------------------------


def test_link_header_first_prev_next_last() -> None:
    link = link_header("http://h/api/v3/repos/o/r/issues", {"per_page": ["10"]}, 2, 3)
    assert link is not None
    rels = {rel: url for url, rel in (part.split("; ") for part in link.split(", "))}
    assert set(rels) == {'rel="prev"', 'rel="next"', 'rel="last"', 'rel="first"'}
    assert rels['rel="next"'] == "<http://h/api/v3/repos/o/r/issues?per_page=10&page=3>"
    assert link_header("http://h/x", {}, 1, 1) is None
    last = link_header("http://h/x", {}, 3, 3)
    assert last is not None and 'rel="next"' not in last


# --- state -----------------------------------------------------------------------------------


def test_the_clock_runs_at_its_scale() -> None:
    real = FakeTime(100.0)
    clock = Clock(real)
    real.advance(10)
    assert clock.now() == 110.0
    clock.set_scale(60)
    real.advance(1)
    assert clock.now() == 170.0
    assert clock.to_source(230.0) == 112.0  # one more real second reaches sandbox time 230
    assert clock.span(60) == 1 and clock.span(61) == 2 and clock.span(0) == 1


def test_fake_time_sleeps_instantly_and_remembers() -> None:
    fake = FakeTime()
    assert fake.time() == FAKE_EPOCH == fake.monotonic()
    fake.sleep(3600)
    fake.sleep(-1)  # a negative wait passes no time, as time.sleep refuses it
    fake.advance(5)
    assert fake.time() == FAKE_EPOCH + 3605
    assert fake.sleeps == [3600, -1]
    clock = Clock(fake, scale=2)
    clock.sleep(10)  # ten sandbox seconds are five of the source's
    assert fake.time() == FAKE_EPOCH + 3610


def test_a_store_takes_a_time_source_or_a_clock() -> None:
    fake = FakeTime(50.0)
    assert Store(clock=fake).clock.now() == 50.0
    clock = Clock(fake)
    assert Store(clock=clock).clock is clock


def test_state_saves_atomically_and_loads(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    store = Store(path, tokens={"t"})
    store.add_account("u", "mallory", write=["o/r"])
    store.data["github"] = {"x": 1}
    first = store.next_id()
    assert first == FIRST_ID
    store.save()
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temp file left behind
    again = Store(path)
    assert again.data == {"github": {"x": 1}} and again.tokens == {"t", "u"}
    assert again.accounts["u"] == Account("mallory", ("o/r",))
    assert again.accounts["u"].can_write("O/R") and not again.accounts["u"].can_write("o/x")
    assert again.next_id() > first
    assert json.loads(path.read_text())["version"] == 1
