//! `configMapGenerator` and `secretGenerator`: objects made from literals and files, named with
//! kustomize's content hash.
