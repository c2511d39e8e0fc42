"""Project exception types: the CLI turns each into one line on stderr and exit code 2."""


class MLStepError(Exception):
    """Base class for every failure the ml step reports to the user."""


class WarehouseNotReadyError(MLStepError):
    """The warehouse file or the `marts.churn_features` mart does not exist yet."""


class MissingFeatureError(MLStepError):
    """The mart lacks a column the model needs (contract drift between dbt and ml)."""


class SingleClassLabelError(MLStepError):
    """The label has one class only, so no classifier can be trained."""


class TooFewMinorityError(MLStepError):
    """Too few churned customers in a training part for SMOTE's k nearest neighbours."""


class ModelNotTrainedError(MLStepError):
    """`explain`/`score` was asked for before `train` saved a model."""


class WarehouseIOError(MLStepError):
    """DuckDB could not open, read or write the warehouse (most often: another process holds its lock)."""


class InvalidFeatureValueError(MLStepError):
    """A feature value the pipeline cannot transform honestly (e.g. a negative amount under log1p)."""


class InvalidSettingError(MLStepError):
    """A setting from the command line or the environment is not usable (e.g. a negative cost)."""


class NotEnoughHistoryError(MLStepError):
    """The snapshots span too little time for a labelled as-of, or for a fit/calibrate/test split."""
