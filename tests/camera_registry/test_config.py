import pytest

from camera_registry.config import load_config


def test_defaults_live_in_the_instance_folder(tmp_path):
    config = load_config(tmp_path, {})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'camera_registry.sqlite'}"
    assert config["ALLOW_FILE_STREAMS"] is False


def test_generated_secret_key_is_kept(tmp_path):
    assert load_config(tmp_path, {})["SECRET_KEY"] == load_config(tmp_path, {})["SECRET_KEY"]


def test_environment_overrides(tmp_path):
    config = load_config(tmp_path, {"CAMREG_DATABASE_URL": "postgresql+psycopg://db/x",
                                    "CAMREG_ALLOW_FILE_STREAMS": "yes",
                                    "CAMREG_MAX_PER_PAGE": "200"})
    assert (config["DATABASE_URL"], config["ALLOW_FILE_STREAMS"], config["MAX_PER_PAGE"]) == (
        "postgresql+psycopg://db/x", True, 200)


def test_bad_value_names_the_variable(tmp_path):
    with pytest.raises(ValueError, match="CAMREG_MAX_PER_PAGE"):
        load_config(tmp_path, {"CAMREG_MAX_PER_PAGE": "many"})
