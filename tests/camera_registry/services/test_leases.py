from datetime import datetime, timedelta

from camera_registry.services import leases

T0 = datetime(2026, 11, 22, 8, 0)


def test_first_holder_gets_the_lease(session):
    assert leases.acquire(session, "scheduler", "a", T0, 30)


def test_second_holder_waits_while_the_lease_is_valid(session):
    leases.acquire(session, "scheduler", "a", T0, 30)
    assert not leases.acquire(session, "scheduler", "b", T0 + timedelta(seconds=10), 30)


def test_holder_renews_its_lease(session):
    leases.acquire(session, "scheduler", "a", T0, 30)
    assert leases.acquire(session, "scheduler", "a", T0 + timedelta(seconds=25), 30)
    assert not leases.acquire(session, "scheduler", "b", T0 + timedelta(seconds=40), 30)


def test_expired_lease_passes_to_the_standby(session):
    leases.acquire(session, "scheduler", "a", T0, 30)
    assert leases.acquire(session, "scheduler", "b", T0 + timedelta(seconds=31), 30)
    assert not leases.acquire(session, "scheduler", "a", T0 + timedelta(seconds=32), 30)


def test_released_lease_is_free_at_once(session):
    leases.acquire(session, "scheduler", "a", T0, 30)
    leases.release(session, "scheduler", "a")
    assert leases.acquire(session, "scheduler", "b", T0 + timedelta(seconds=1), 30)
