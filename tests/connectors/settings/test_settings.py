"""Settings: the YAML file, the environment over it, secrets refused, clear ConfigErrors."""

from __future__ import annotations

from pathlib import Path

import pytest

from dunwell.connectors.settings.config import PACKAGED_CONFIG_DIR, load_settings
from dunwell.errors import ConfigError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dunwell.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_default_file_loads(tmp_path: Path) -> None:
    settings = load_settings(PACKAGED_CONFIG_DIR / "dunwell.yaml", env={}, cwd=tmp_path)
    assert settings.company_timezone == "Europe/Berlin"
    assert settings.matching["auto_threshold"] == 90
    assert settings.dunning_policy_path == PACKAGED_CONFIG_DIR / "dunning.yaml"
    assert not settings.smtp_enabled


def test_default_database_is_sqlite_under_dot_dunwell_and_folder_is_created(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, "{}"), env={}, cwd=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / '.dunwell' / 'dunwell.db'}"
    assert (tmp_path / ".dunwell").is_dir()


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "smtp_host: file.example.com\nsmtp_port: 25\n")
    env = {
        "DUNWELL_SMTP_HOST": "env.example.com",
        "DUNWELL_SMTP_SECURITY": "ssl",
        "DUNWELL_MAIL_FROM": "ar@example.com",
        "DUNWELL_DATABASE_URL": "postgresql+psycopg://u@db/dunwell",
        "DUNWELL_REPORT_RECIPIENTS": "a@example.com, b@example.com",
        "DUNWELL_MATCHING": '{"auto_threshold": 95}',
    }
    settings = load_settings(path, env=env, cwd=tmp_path)
    assert settings.smtp_host == "env.example.com"
    assert settings.smtp_port == 25
    assert settings.smtp_security == "ssl"
    assert settings.mail_from == "ar@example.com"
    assert settings.database_url == "postgresql+psycopg://u@db/dunwell"
    assert settings.report_recipients == ["a@example.com", "b@example.com"]
    assert settings.matching == {"auto_threshold": 95}


def test_config_file_is_found_through_dunwell_config(tmp_path: Path) -> None:
    path = _write(tmp_path, "company_timezone: America/New_York\n")
    settings = load_settings(env={"DUNWELL_CONFIG": str(path)}, cwd=tmp_path)
    assert settings.company_timezone == "America/New_York"
    assert settings.config_file == path


def test_dunwell_config_may_name_a_folder(tmp_path: Path) -> None:
    _write(tmp_path, "report_subject: from folder\n")
    settings = load_settings(env={"DUNWELL_CONFIG": str(tmp_path)}, cwd=tmp_path)
    assert settings.report_subject == "from folder"


def test_smtp_port_follows_the_security_mode_unless_given(tmp_path: Path) -> None:
    path = _write(tmp_path, "smtp_security: ssl\n")
    assert load_settings(path, env={}, cwd=tmp_path).smtp_port == 465
    env = {"DUNWELL_SMTP_PORT": "2525"}
    assert load_settings(path, env=env, cwd=tmp_path).smtp_port == 2525
    assert load_settings(_write(tmp_path, "{}"), env={}, cwd=tmp_path).smtp_port == 587


def test_config_file_is_found_in_working_folder(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "dunwell.yaml").write_text("report_subject: AR daily\n")
    assert load_settings(env={}, cwd=tmp_path).report_subject == "AR daily"


def test_relative_paths_are_relative_to_the_settings_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "dunning_policy_path: policies/ladder.yaml\noutbox_dir: out\n")
    settings = load_settings(path, env={}, cwd=Path("/"))
    assert settings.dunning_policy_path == tmp_path / "policies" / "ladder.yaml"
    assert settings.outbox_dir == tmp_path / "out"
    assert settings.profiles_dir == tmp_path / "profiles"


def test_smtp_password_in_yaml_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "smtp_host: smtp.example.com\nsmtp_password: hunter2\n")
    with pytest.raises(ConfigError) as excinfo:
        load_settings(path, env={}, cwd=tmp_path)
    assert str(path) in str(excinfo.value)
    assert "smtp_password" in str(excinfo.value)
    assert "hunter2" not in str(excinfo.value)


def test_database_password_in_yaml_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "database_url: postgresql://ar:hunter2@db/dunwell\n")
    with pytest.raises(ConfigError, match="database_url"):
        load_settings(path, env={}, cwd=tmp_path)


def test_secrets_never_appear_in_repr(tmp_path: Path) -> None:
    env = {
        "DUNWELL_SMTP_PASSWORD": "hunter2",
        "DUNWELL_DATABASE_URL": "postgresql+psycopg://ar:s3cret@db/dunwell",
    }
    settings = load_settings(_write(tmp_path, "{}"), env=env, cwd=tmp_path)
    assert settings.smtp_password is not None
    assert settings.smtp_password.get_secret_value() == "hunter2"
    for shown in (repr(settings), str(settings)):
        assert "hunter2" not in shown
        assert "s3cret" not in shown
    assert settings.database_url_display == "postgresql+psycopg://ar:***@db/dunwell"


def test_bad_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "smtp_port: 25\nsmtp_host: [unclosed\n")
    with pytest.raises(ConfigError, match=rf"{path}:\d+: not valid YAML"):
        load_settings(path, env={}, cwd=tmp_path)


def test_invalid_values_give_one_line_per_problem_with_file_and_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "smtp_port: lots\nsmtp_security: tls\ncompany_timezone: Mars/Olympus\nsmtp_hots: x\n",
    )
    with pytest.raises(ConfigError) as excinfo:
        load_settings(path, env={}, cwd=tmp_path)
    lines = str(excinfo.value).splitlines()
    assert len(lines) == 4
    assert all(line.startswith(f"{path}: ") for line in lines)
    keys = {line.split(": ")[1] for line in lines}
    assert keys == {"smtp_port", "smtp_security", "company_timezone", "smtp_hots"}


def test_invalid_environment_value_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="environment DUNWELL_SMTP_PORT: smtp_port"):
        load_settings(_write(tmp_path, "{}"), env={"DUNWELL_SMTP_PORT": "x"}, cwd=tmp_path)


def test_missing_settings_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(env={"DUNWELL_CONFIG": str(tmp_path / "nope.yaml")}, cwd=tmp_path)


def test_top_level_list_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="mapping"):
        load_settings(_write(tmp_path, "- a\n- b\n"), env={}, cwd=tmp_path)


def test_a_settings_file_parsed_once_still_counts_an_edit_at_once(tmp_path: Path) -> None:
    from dunwell.connectors.settings import config

    path = _write(tmp_path, "company_timezone: America/New_York\n")
    config._parsed.cache_clear()
    first = load_settings(path, env={}, cwd=tmp_path)
    again = load_settings(path, env={}, cwd=tmp_path)
    assert first.company_timezone == again.company_timezone == "America/New_York"
    assert config._parsed.cache_info().hits >= 1  # the second read did not parse again
    path.write_text("company_timezone: Asia/Tokyo\n", encoding="utf-8")
    assert load_settings(path, env={}, cwd=tmp_path).company_timezone == "Asia/Tokyo"
    mine = config.parse_yaml("a: [1]\n")
    mine["a"].append(2)
    assert config.parse_yaml("a: [1]\n") == {"a": [1]}
