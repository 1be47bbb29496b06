"""The finance-ops workbench: server-rendered pages over `dunwell.workbench`."""

from dunwell.web.app import create_app

__all__ = ["create_app"]
