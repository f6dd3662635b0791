from camera_registry.cli import cli


def test_user_and_token_from_the_command_line(runner, client_without_token, city):
    result = runner.invoke(cli, ["user", "create", "lanshan", "--role", "monitor",
                                 "--scope", city.county_a])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["token", "create", "lanshan"])
    token = result.output.split()[-1]
    me = client_without_token.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json == {"username": "lanshan", "role": "monitor", "scope": city.county_a}


def test_scoped_role_needs_a_scope(runner):
    result = runner.invoke(cli, ["user", "create", "x", "--role", "integrator"])
    assert result.exit_code == 1 and "scope" in result.output


def test_token_for_unknown_user_fails(runner):
    result = runner.invoke(cli, ["token", "create", "nobody"])
    assert result.exit_code == 1 and "no user nobody" in result.output
