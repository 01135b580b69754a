"""Suite-wide test configuration: enables ``pytester`` for the plugin tests."""

pytest_plugins = ["pytester"]
