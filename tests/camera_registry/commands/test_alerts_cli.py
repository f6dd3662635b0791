"""camreg subscription, incidents, digest, outbox."""
from camera_registry.cli import cli
from camera_registry.models import KeyPlace
from camera_registry.services import incidents
from camera_registry.database import utcnow
from tests.conftest import SQUARE


def test_subscription_add_list_remove(runner, city):
    added = runner.invoke(cli, ["subscription", "add", "duty@community.example", "--compound",
                                str(city.compound_a1), "--kind", "camera_offline",
                                "--language", "en"])
    assert added.exit_code == 0, added.output
    assert "duty@community.example <- compound 阳光花园" in added.output
    runner.invoke(cli, ["subscription", "add", "chief@city.example", "--division", city.city,
                        "--no-digest"])
    listed = runner.invoke(cli, ["subscription", "list", "--division", city.county_a])
    assert "duty@community.example" in listed.output and "chief@" not in listed.output
    ident = added.output.split()[1].rstrip(":")
    assert runner.invoke(cli, ["subscription", "remove", ident]).exit_code == 0
    assert "duty@" not in runner.invoke(cli, ["subscription", "list"]).output
    bad = runner.invoke(cli, ["subscription", "add", "x@y.cn", "--division", "999999"])
    assert bad.exit_code == 1 and "no division with code 999999" in bad.output


def test_incidents_digest_and_outbox(runner, admin, city, session):
    place_id = admin.post("/key-places", json={"name": "北门", "kind": "gate", "polygon": SQUARE,
                                               "compound_id": city.compound_a1}).json["id"]
    incidents.key_place_uncovered(session, session.get(KeyPlace, place_id), utcnow())
    session.commit()
    listed = runner.invoke(cli, ["incidents"])
    assert "key_place_uncovered" in listed.output and "北门" in listed.output
    printed = runner.invoke(cli, ["digest", "--division", city.county_a])
    assert printed.exit_code == 0 and "兰山区" in printed.output and "北门" in printed.output
    runner.invoke(cli, ["subscription", "add", "chief@city.example", "--division", city.city])
    sent = runner.invoke(cli, ["digest", "--send-now"])
    assert "1 digests queued" in sent.output  # no SMTP host here: it waits in the outbox
    assert "pending 1" in runner.invoke(cli, ["outbox"]).output
