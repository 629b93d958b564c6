"""One module per rule. Module names say what the rule finds; the class inside has the code."""
