"""The `tensorflux` command line (also `python -m tensorflux`)."""

from __future__ import annotations

import argparse
import sys


def _demo(args: argparse.Namespace) -> int:
    from tensorflux._src.demo import digits_cnn, digits_keras, digits_mlp

    if args.model in ("mlp", "all"):
        print("== an MLP, eager, with tf.GradientTape")
        digits_mlp.train(
            epochs=args.epochs,
            batch_size=args.batch_size,
            learning_rate=args.learning_rate,
            hidden=args.hidden,
            seed=args.seed,
        )
    if args.model in ("cnn", "all"):
        print("== a CNN, one tf.function per training step")
        digits_cnn.train(
            epochs=args.cnn_epochs if args.cnn_epochs is not None else max(args.epochs // 2, 1),
            batch_size=args.batch_size,
            seed=args.seed,
        )
    if args.model in ("keras", "all"):
        print("== the Keras workflow: tf.data + augmentation, fit with callbacks, save, load")
        epochs = args.keras_epochs if args.keras_epochs is not None else max(args.epochs // 2, 1)
        digits_keras.train(epochs=epochs, batch_size=args.batch_size, seed=args.seed)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tensorflux", description="TensorFlow 2.x written in Python on NumPy."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = commands.add_parser(
        "demo",
        help="the main job: train an MLP, a CNN and a Keras CNN on the bundled digits dataset",
        description="Trains a small MLP (eager, tf.GradientTape) and a small CNN (tf.nn.conv2d "
        "and max_pool2d, one tf.function per step) on the UCI optical digits (bundled, no "
        "network) with a hand-written Adam, printing the loss and test accuracy per epoch; "
        "then the Keras workflow: a tf.data pipeline with augmentation, a Keras CNN trained by "
        "fit with callbacks and a progress bar, evaluated, saved, reloaded and used to predict.",
    )
    demo.add_argument("--model", choices=("mlp", "cnn", "keras", "all"), default="all")
    demo.add_argument("--keras-epochs", type=int, default=None, help="default: half of --epochs")
    demo.add_argument("--cnn-epochs", type=int, default=None, help="default: half of --epochs")
    demo.add_argument("--epochs", type=int, default=20)
    demo.add_argument("--batch-size", type=int, default=32)
    demo.add_argument("--learning-rate", type=float, default=1e-3)
    demo.add_argument("--hidden", type=int, default=64, help="width of the hidden layer")
    demo.add_argument("--seed", type=int, default=0)
    demo.set_defaults(run=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
