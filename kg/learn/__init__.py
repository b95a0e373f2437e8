"""Learned decisions over rule proposals: the rules propose candidates, models trained on gold papers decide.

* ``lexicon``   names annotated in gold papers: a candidate source and a feature (rebuilt per CV fold)
* ``name_tagger`` a CRF that marks names word by word, a candidate source on top of the rules (CRFsuite)
* ``labels``    gold names and relations projected onto a paper's candidates (training targets)
* ``features``  one feature dict per entity, relation and introduced-name candidate of a paper
* ``linear``    a logistic-regression model stored as JSON weights (no scikit-learn needed to apply it)
* ``train``     fit the models with scikit-learn, deterministically
* ``decide``    apply the models to a paper's proposals and return its ``Extraction``
* ``cv``        paper-level K-fold cross-validation scored like ``shared/gold/score.py``
"""
