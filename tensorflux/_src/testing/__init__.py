"""Test support: OpSpec tables and generated op checks, tf.test.TestCase."""
