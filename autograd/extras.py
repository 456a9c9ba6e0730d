"""Optional packages: imported where they are used, and when one is missing, an error that
says which feature needs it and which extra of tracegrad installs it."""
import importlib

# package -> the extra of tracegrad that brings it
EXTRAS = {"graphviz": "viz", "matplotlib": "viz", "sklearn": "data", "tqdm": "progress",
          "cupy": "gpu"}
_PIP_NAMES = {"sklearn": "scikit-learn"}


def require(package, feature):
    """The imported module `package`, or an ImportError saying that `feature` needs it."""
    try:
        return importlib.import_module(package)
    except ImportError:
        pip_name = _PIP_NAMES.get(package, package.split(".")[0])
        raise ImportError(f"{feature} needs the {pip_name} package, which is not installed: "
                          f'pip install "tracegrad[{EXTRAS[package.split(".")[0]]}]" (or pip '
                          f"install {pip_name})") from None


def available(package):
    """Whether `package` can be imported."""
    try:
        importlib.import_module(package)
    except ImportError:
        return False
    return True
