"""Suite-wide test configuration: enables ``pytester`` for the plugin tests and the
queue property suite's options (``--pgdrift-soak``)."""

pytest_plugins = ["pytester", "pgdrift.harness.props_plugin"]
