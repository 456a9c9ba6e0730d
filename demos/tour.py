"""The main job: the vanishing-gradient tour, where the gradient fades and what keeps it.

Three chapters, each a demo of its own that also runs alone:
1. deep feed-forward networks (demos.vanishing_gradient): 10 layers of sigmoid lose a factor
   of about a million between the last layer and the first; ReLU with He initialisation and
   batch normalisation keep the gradient, and those networks train on digits;
2. skip connections (demos.residual, its gradient part): at 50 layers even the remedies of
   chapter 1 fail (plain ReLU's features collapse, batch norm's gradient explodes), while a
   residual network passes the gradient back to its first block undiminished;
3. through time (demos.through_time, its gradient part): a tanh RNN unrolled over 50 steps
   loses the gradient exponentially with distance, and so do an LSTM and a GRU at PyTorch's
   default initialisation, whose gates start half shut; an LSTM whose forget gates start
   open (bias 3) carries a fifth of it back to the first step.
Each chapter's figures go to a folder of its own under --out.

Run: python -m demos.tour [--out FOLDER] [--quick]   (or: make tour)
"""
from pathlib import Path

from demos import common, residual, through_time, vanishing_gradient

CHAPTERS = (
    ("deep feed-forward networks", "vanishing_gradient", vanishing_gradient.run),
    ("skip connections", "residual", residual.chapter),
    ("through time", "through_time", through_time.chapter),
)


def run(out_dir, quick=False):
    """Runs every chapter into `out_dir`/<its demo's name>; returns their key numbers, each
    prefixed with its chapter's name, and every figure."""
    results, figures = {}, []
    for number, (title, name, chapter) in enumerate(CHAPTERS, start=1):
        print(f"\n#### Chapter {number}: {title}\n")
        found = chapter(Path(out_dir) / name, quick=quick)
        figures += found.pop("figures")
        results.update({f"{name}: {key}": value for key, value in found.items()})
    results["figures"] = figures
    return results


def main(argv=None):
    common.run_demo("tour", run, __doc__, argv)


if __name__ == "__main__":
    main()
