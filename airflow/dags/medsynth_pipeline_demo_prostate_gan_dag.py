"""Airflow DAG of the Kedro pipeline `prostate_gan` (Kedro env `demo`). GENERATED: do not edit.

Regenerate with `make airflow-dag` (kedro airflow create --group-by memory -j airflow/dag_template.j2):
nodes joined by in-memory datasets run in one task, so no MemoryDataset crosses a task boundary
(GROUP_BY=namespace ops/airflow.sh dag: one task per stage instead).
Every task is one `kedro run` of its nodes; all tasks of one DAG run log into one MLflow run tagged with
the Airflow run id and the git commit: the first task, open_mlflow_run, creates it and every other task
receives its id through XCom as MLFLOW_RUN_ID (medsynth_pipeline.hooks), so any executor works.
The project is found at $MEDSYNTH_PROJECT_PATH, else two folders above this file (airflow/dags/).
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import dag, task

env = "demo"
pipeline_name = "prostate_gan"
package_name = "medsynth_pipeline"
project_path = Path(os.environ.get("MEDSYNTH_PROJECT_PATH") or Path(__file__).resolve().parents[2])
conf_source = "" or str(project_path / "conf")


def _task_id(group_name: str) -> str:
    """Airflow task ids are at most 250 characters; a longer group name keeps its head plus a hash of all of it."""
    if len(group_name) <= 200:
        return group_name
    import hashlib

    return f"{group_name[:187]}-{hashlib.sha1(group_name.encode()).hexdigest()[:12]}"


def _session():
    """A Kedro session of the project (imports here keep DAG parsing fast)."""
    os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
    # Relative paths of the project's config (sqlite:///mlflow.db, kedro-viz stats) are meant from its root.
    os.chdir(project_path)
    from kedro.framework.project import configure_project
    from kedro.framework.session import KedroSession

    configure_project(package_name)
    return KedroSession.create(project_path=project_path, env=env, conf_source=conf_source)


def _open_mlflow_run() -> str:
    """Creates the one MLflow run of this DAG run; its id reaches every other task through XCom."""
    from medsynth_pipeline.hooks import open_airflow_run

    with _session() as session:
        return open_airflow_run(session.load_context())


def _run_kedro_nodes(node_names: list[str], mlflow_run_id: str) -> None:
    """Runs `node_names` of the pipeline in a fresh Kedro session, logging into the DAG run's MLflow run."""
    import mlflow

    from medsynth_pipeline.hooks import SHARED_RUN_ENV

    previous = os.environ.get(SHARED_RUN_ENV)
    os.environ[SHARED_RUN_ENV] = mlflow_run_id
    try:
        with _session() as session:
            session.run(pipeline_names=[pipeline_name], node_names=node_names)
    finally:
        # `airflow dags test` runs every task in one process: leave no MLflow run open for the next task.
        while mlflow.active_run() is not None:
            mlflow.end_run()
        if previous is None:
            os.environ.pop(SHARED_RUN_ENV, None)
        else:
            os.environ[SHARED_RUN_ENV] = previous


@dag(
    dag_id="medsynth_pipeline_prostate_gan_demo",
    description="Kedro pipeline prostate_gan (env demo)",
    doc_md=__doc__,
    start_date=datetime(2026,1,1),
    max_active_runs=1,
    schedule="@weekly",
    catchup=False,
    tags=["kedro", "medsynth", "prostate_gan"],
    default_args=dict(
        owner="medsynth",
        depends_on_past=False,
        email_on_failure=False,
        email_on_retry=False,
        retries=2,
        retry_delay=timedelta(minutes=10),
        retry_exponential_backoff=True,
        execution_timeout=timedelta(hours=48),
    ),
)
def medsynth_pipeline_prostate_gan_demo():

    @task(task_id="open_mlflow_run")
    def open_mlflow_run() -> str:
        return _open_mlflow_run()

    @task(task_id=_task_id("ingest-index-series-ingest-read-lesions-ingest-collect-rejections-ingest-summarise-ingest"))
    def ingest_index_series_ingest_read_lesions_ingest_collect_rejections_ingest_summarise_ingest(mlflow_run_id: str):
        _run_kedro_nodes(["ingest.index_series", "ingest.read_lesions", "ingest.collect_rejections", "ingest.summarise_ingest"], mlflow_run_id)

    @task(task_id=_task_id("registration-register-and-crop"))
    def registration_register_and_crop(mlflow_run_id: str):
        _run_kedro_nodes(["registration.register_and_crop"], mlflow_run_id)

    @task(task_id=_task_id("patches-make-patient-splits"))
    def patches_make_patient_splits(mlflow_run_id: str):
        _run_kedro_nodes(["patches.make_patient_splits"], mlflow_run_id)

    @task(task_id=_task_id("registration-plot-registration-check"))
    def registration_plot_registration_check(mlflow_run_id: str):
        _run_kedro_nodes(["registration.plot_registration_check"], mlflow_run_id)

    @task(task_id=_task_id("patches-kitchen-seah-16mm-extract-patches"))
    def patches_kitchen_seah_16mm_extract_patches(mlflow_run_id: str):
        _run_kedro_nodes(["patches.kitchen_seah_16mm.extract_patches"], mlflow_run_id)

    @task(task_id=_task_id("patches-mpmri-64-extract-patches"))
    def patches_mpmri_64_extract_patches(mlflow_run_id: str):
        _run_kedro_nodes(["patches.mpmri_64.extract_patches"], mlflow_run_id)

    @task(task_id=_task_id("patches-prostategan-32-extract-patches"))
    def patches_prostategan_32_extract_patches(mlflow_run_id: str):
        _run_kedro_nodes(["patches.prostategan_32.extract_patches"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-dcgan64-make-classical-set"))
    def augmentation_dcgan64_make_classical_set(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.dcgan64.make_classical_set"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-ddpm-make-classical-set"))
    def augmentation_ddpm_make_classical_set(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.ddpm.make_classical_set"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-kitchen-seah-make-classical-set"))
    def augmentation_kitchen_seah_make_classical_set(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.kitchen_seah.make_classical_set"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-mpmri-semi-make-classical-set"))
    def augmentation_mpmri_semi_make_classical_set(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.mpmri_semi.make_classical_set"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-prostategan-make-classical-set"))
    def augmentation_prostategan_make_classical_set(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.prostategan.make_classical_set"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-dcgan64-train-domain-classifier"))
    def evaluation_dcgan64_train_domain_classifier(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.dcgan64.train_domain_classifier"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-ddpm-train-domain-classifier"))
    def evaluation_ddpm_train_domain_classifier(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.ddpm.train_domain_classifier"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-kitchen-seah-train-domain-classifier"))
    def evaluation_kitchen_seah_train_domain_classifier(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.kitchen_seah.train_domain_classifier"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-mpmri-semi-train-domain-classifier"))
    def evaluation_mpmri_semi_train_domain_classifier(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.mpmri_semi.train_domain_classifier"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-prostategan-train-domain-classifier"))
    def evaluation_prostategan_train_domain_classifier(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.prostategan.train_domain_classifier"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-dcgan64-select-reference-pools-gan-training-dcgan64-select-training-images-gan-training-dcgan64-select-validation-pool-gan-training-dcgan64-pre-augment-gan-training-dcgan64-train-gan-gan-training-dcgan64-plot-progress-grid-gan-training-dcgan64-plot-real-vs-synthetic"))
    def gan_training_dcgan64_select_reference_pools_gan_training_dcgan64_select_training_images_gan_training_dcgan64_select_validation_pool_gan_training_dcgan64_pre_augment_gan_training_dcgan64_train_gan_gan_training_dcgan64_plot_progress_grid_gan_training_dcgan64_plot_real_vs_synthetic(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.dcgan64.select_reference_pools", "gan_training.dcgan64.select_training_images", "gan_training.dcgan64.select_validation_pool", "gan_training.dcgan64.pre_augment", "gan_training.dcgan64.train_gan", "gan_training.dcgan64.plot_progress_grid", "gan_training.dcgan64.plot_real_vs_synthetic"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-ddpm-select-reference-pools-gan-training-ddpm-select-training-images-gan-training-ddpm-select-validation-pool-gan-training-ddpm-pre-augment-gan-training-ddpm-train-gan-gan-training-ddpm-plot-progress-grid-gan-training-ddpm-plot-real-vs-synthetic"))
    def gan_training_ddpm_select_reference_pools_gan_training_ddpm_select_training_images_gan_training_ddpm_select_validation_pool_gan_training_ddpm_pre_augment_gan_training_ddpm_train_gan_gan_training_ddpm_plot_progress_grid_gan_training_ddpm_plot_real_vs_synthetic(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.ddpm.select_reference_pools", "gan_training.ddpm.select_training_images", "gan_training.ddpm.select_validation_pool", "gan_training.ddpm.pre_augment", "gan_training.ddpm.train_gan", "gan_training.ddpm.plot_progress_grid", "gan_training.ddpm.plot_real_vs_synthetic"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-kitchen-seah-select-reference-pools-gan-training-kitchen-seah-select-training-images-gan-training-kitchen-seah-select-validation-pool-gan-training-kitchen-seah-pre-augment-gan-training-kitchen-seah-train-gan-gan-training-kitchen-seah-plot-progress-grid-gan-training-kitchen-seah-plot-real-vs-synthetic"))
    def gan_training_kitchen_seah_select_reference_pools_gan_training_kitchen_seah_select_training_images_gan_training_kitchen_seah_select_validation_pool_gan_training_kitchen_seah_pre_augment_gan_training_kitchen_seah_train_gan_gan_training_kitchen_seah_plot_progress_grid_gan_training_kitchen_seah_plot_real_vs_synthetic(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.kitchen_seah.select_reference_pools", "gan_training.kitchen_seah.select_training_images", "gan_training.kitchen_seah.select_validation_pool", "gan_training.kitchen_seah.pre_augment", "gan_training.kitchen_seah.train_gan", "gan_training.kitchen_seah.plot_progress_grid", "gan_training.kitchen_seah.plot_real_vs_synthetic"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-mpmri-semi-select-reference-pools-gan-training-mpmri-semi-select-training-images-gan-training-mpmri-semi-select-validation-pool-gan-training-mpmri-semi-pre-augment-gan-training-mpmri-semi-train-gan-gan-training-mpmri-semi-plot-progress-grid-gan-training-mpmri-semi-plot-real-vs-synthetic"))
    def gan_training_mpmri_semi_select_reference_pools_gan_training_mpmri_semi_select_training_images_gan_training_mpmri_semi_select_validation_pool_gan_training_mpmri_semi_pre_augment_gan_training_mpmri_semi_train_gan_gan_training_mpmri_semi_plot_progress_grid_gan_training_mpmri_semi_plot_real_vs_synthetic(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.mpmri_semi.select_reference_pools", "gan_training.mpmri_semi.select_training_images", "gan_training.mpmri_semi.select_validation_pool", "gan_training.mpmri_semi.pre_augment", "gan_training.mpmri_semi.train_gan", "gan_training.mpmri_semi.plot_progress_grid", "gan_training.mpmri_semi.plot_real_vs_synthetic"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-prostategan-select-reference-pools-gan-training-prostategan-select-training-images-gan-training-prostategan-select-validation-pool-gan-training-prostategan-pre-augment-gan-training-prostategan-train-gan-gan-training-prostategan-plot-progress-grid-gan-training-prostategan-plot-real-vs-synthetic"))
    def gan_training_prostategan_select_reference_pools_gan_training_prostategan_select_training_images_gan_training_prostategan_select_validation_pool_gan_training_prostategan_pre_augment_gan_training_prostategan_train_gan_gan_training_prostategan_plot_progress_grid_gan_training_prostategan_plot_real_vs_synthetic(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.prostategan.select_reference_pools", "gan_training.prostategan.select_training_images", "gan_training.prostategan.select_validation_pool", "gan_training.prostategan.pre_augment", "gan_training.prostategan.train_gan", "gan_training.prostategan.plot_progress_grid", "gan_training.prostategan.plot_real_vs_synthetic"], mlflow_run_id)

    @task(task_id=_task_id("patches-kitchen-seah-16mm-plot-patch-grid"))
    def patches_kitchen_seah_16mm_plot_patch_grid(mlflow_run_id: str):
        _run_kedro_nodes(["patches.kitchen_seah_16mm.plot_patch_grid"], mlflow_run_id)

    @task(task_id=_task_id("patches-kitchen-seah-16mm-plot-patch-location"))
    def patches_kitchen_seah_16mm_plot_patch_location(mlflow_run_id: str):
        _run_kedro_nodes(["patches.kitchen_seah_16mm.plot_patch_location"], mlflow_run_id)

    @task(task_id=_task_id("patches-kitchen-seah-16mm-summarise-patches"))
    def patches_kitchen_seah_16mm_summarise_patches(mlflow_run_id: str):
        _run_kedro_nodes(["patches.kitchen_seah_16mm.summarise_patches"], mlflow_run_id)

    @task(task_id=_task_id("patches-mpmri-64-plot-patch-grid"))
    def patches_mpmri_64_plot_patch_grid(mlflow_run_id: str):
        _run_kedro_nodes(["patches.mpmri_64.plot_patch_grid"], mlflow_run_id)

    @task(task_id=_task_id("patches-mpmri-64-plot-patch-location"))
    def patches_mpmri_64_plot_patch_location(mlflow_run_id: str):
        _run_kedro_nodes(["patches.mpmri_64.plot_patch_location"], mlflow_run_id)

    @task(task_id=_task_id("patches-mpmri-64-summarise-patches"))
    def patches_mpmri_64_summarise_patches(mlflow_run_id: str):
        _run_kedro_nodes(["patches.mpmri_64.summarise_patches"], mlflow_run_id)

    @task(task_id=_task_id("patches-prostategan-32-plot-patch-grid"))
    def patches_prostategan_32_plot_patch_grid(mlflow_run_id: str):
        _run_kedro_nodes(["patches.prostategan_32.plot_patch_grid"], mlflow_run_id)

    @task(task_id=_task_id("patches-prostategan-32-plot-patch-location"))
    def patches_prostategan_32_plot_patch_location(mlflow_run_id: str):
        _run_kedro_nodes(["patches.prostategan_32.plot_patch_location"], mlflow_run_id)

    @task(task_id=_task_id("patches-prostategan-32-summarise-patches"))
    def patches_prostategan_32_summarise_patches(mlflow_run_id: str):
        _run_kedro_nodes(["patches.prostategan_32.summarise_patches"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-dcgan64-make-synthetic-sets"))
    def augmentation_dcgan64_make_synthetic_sets(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.dcgan64.make_synthetic_sets"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-ddpm-make-synthetic-sets"))
    def augmentation_ddpm_make_synthetic_sets(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.ddpm.make_synthetic_sets"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-kitchen-seah-make-synthetic-sets"))
    def augmentation_kitchen_seah_make_synthetic_sets(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.kitchen_seah.make_synthetic_sets"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-mpmri-semi-make-synthetic-sets"))
    def augmentation_mpmri_semi_make_synthetic_sets(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.mpmri_semi.make_synthetic_sets"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-prostategan-make-synthetic-sets"))
    def augmentation_prostategan_make_synthetic_sets(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.prostategan.make_synthetic_sets"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-dcgan64-plot-latent-interpolation"))
    def gan_training_dcgan64_plot_latent_interpolation(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.dcgan64.plot_latent_interpolation"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-dcgan64-plot-loss-curves"))
    def gan_training_dcgan64_plot_loss_curves(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.dcgan64.plot_loss_curves"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-dcgan64-selection-curve"))
    def gan_training_dcgan64_selection_curve(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.dcgan64.selection_curve"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-ddpm-plot-latent-interpolation"))
    def gan_training_ddpm_plot_latent_interpolation(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.ddpm.plot_latent_interpolation"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-ddpm-plot-loss-curves"))
    def gan_training_ddpm_plot_loss_curves(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.ddpm.plot_loss_curves"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-ddpm-selection-curve"))
    def gan_training_ddpm_selection_curve(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.ddpm.selection_curve"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-kitchen-seah-plot-latent-interpolation"))
    def gan_training_kitchen_seah_plot_latent_interpolation(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.kitchen_seah.plot_latent_interpolation"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-kitchen-seah-plot-loss-curves"))
    def gan_training_kitchen_seah_plot_loss_curves(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.kitchen_seah.plot_loss_curves"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-kitchen-seah-selection-curve"))
    def gan_training_kitchen_seah_selection_curve(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.kitchen_seah.selection_curve"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-mpmri-semi-plot-latent-interpolation"))
    def gan_training_mpmri_semi_plot_latent_interpolation(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.mpmri_semi.plot_latent_interpolation"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-mpmri-semi-plot-loss-curves"))
    def gan_training_mpmri_semi_plot_loss_curves(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.mpmri_semi.plot_loss_curves"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-mpmri-semi-selection-curve"))
    def gan_training_mpmri_semi_selection_curve(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.mpmri_semi.selection_curve"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-prostategan-plot-latent-interpolation"))
    def gan_training_prostategan_plot_latent_interpolation(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.prostategan.plot_latent_interpolation"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-prostategan-plot-loss-curves"))
    def gan_training_prostategan_plot_loss_curves(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.prostategan.plot_loss_curves"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-prostategan-selection-curve"))
    def gan_training_prostategan_selection_curve(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.prostategan.selection_curve"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-dcgan64-plot-synthetic-samples"))
    def augmentation_dcgan64_plot_synthetic_samples(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.dcgan64.plot_synthetic_samples"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-ddpm-plot-synthetic-samples"))
    def augmentation_ddpm_plot_synthetic_samples(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.ddpm.plot_synthetic_samples"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-kitchen-seah-plot-synthetic-samples"))
    def augmentation_kitchen_seah_plot_synthetic_samples(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.kitchen_seah.plot_synthetic_samples"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-mpmri-semi-plot-synthetic-samples"))
    def augmentation_mpmri_semi_plot_synthetic_samples(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.mpmri_semi.plot_synthetic_samples"], mlflow_run_id)

    @task(task_id=_task_id("augmentation-prostategan-plot-synthetic-samples"))
    def augmentation_prostategan_plot_synthetic_samples(mlflow_run_id: str):
        _run_kedro_nodes(["augmentation.prostategan.plot_synthetic_samples"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-dcgan64-augmentation-study"))
    def evaluation_dcgan64_augmentation_study(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.dcgan64.augmentation_study"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-dcgan64-check-memorisation"))
    def evaluation_dcgan64_check_memorisation(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.dcgan64.check_memorisation"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-dcgan64-score-model-sets"))
    def evaluation_dcgan64_score_model_sets(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.dcgan64.score_model_sets"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-dcgan64-score-realism"))
    def evaluation_dcgan64_score_realism(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.dcgan64.score_realism"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-dcgan64-slice-level-accuracy"))
    def evaluation_dcgan64_slice_level_accuracy(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.dcgan64.slice_level_accuracy"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-dcgan64-tsne-points"))
    def evaluation_dcgan64_tsne_points(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.dcgan64.tsne_points"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-dcgan64-tstr-study"))
    def evaluation_dcgan64_tstr_study(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.dcgan64.tstr_study"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-ddpm-augmentation-study"))
    def evaluation_ddpm_augmentation_study(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.ddpm.augmentation_study"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-ddpm-check-memorisation"))
    def evaluation_ddpm_check_memorisation(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.ddpm.check_memorisation"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-ddpm-score-model-sets"))
    def evaluation_ddpm_score_model_sets(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.ddpm.score_model_sets"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-ddpm-score-realism"))
    def evaluation_ddpm_score_realism(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.ddpm.score_realism"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-ddpm-slice-level-accuracy"))
    def evaluation_ddpm_slice_level_accuracy(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.ddpm.slice_level_accuracy"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-ddpm-tsne-points"))
    def evaluation_ddpm_tsne_points(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.ddpm.tsne_points"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-ddpm-tstr-study"))
    def evaluation_ddpm_tstr_study(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.ddpm.tstr_study"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-kitchen-seah-augmentation-study"))
    def evaluation_kitchen_seah_augmentation_study(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.kitchen_seah.augmentation_study"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-kitchen-seah-check-memorisation"))
    def evaluation_kitchen_seah_check_memorisation(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.kitchen_seah.check_memorisation"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-kitchen-seah-score-model-sets"))
    def evaluation_kitchen_seah_score_model_sets(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.kitchen_seah.score_model_sets"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-kitchen-seah-score-realism"))
    def evaluation_kitchen_seah_score_realism(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.kitchen_seah.score_realism"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-kitchen-seah-slice-level-accuracy"))
    def evaluation_kitchen_seah_slice_level_accuracy(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.kitchen_seah.slice_level_accuracy"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-kitchen-seah-tsne-points"))
    def evaluation_kitchen_seah_tsne_points(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.kitchen_seah.tsne_points"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-kitchen-seah-tstr-study"))
    def evaluation_kitchen_seah_tstr_study(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.kitchen_seah.tstr_study"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-mpmri-semi-augmentation-study"))
    def evaluation_mpmri_semi_augmentation_study(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.mpmri_semi.augmentation_study"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-mpmri-semi-check-memorisation"))
    def evaluation_mpmri_semi_check_memorisation(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.mpmri_semi.check_memorisation"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-mpmri-semi-score-model-sets"))
    def evaluation_mpmri_semi_score_model_sets(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.mpmri_semi.score_model_sets"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-mpmri-semi-score-realism"))
    def evaluation_mpmri_semi_score_realism(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.mpmri_semi.score_realism"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-mpmri-semi-slice-level-accuracy"))
    def evaluation_mpmri_semi_slice_level_accuracy(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.mpmri_semi.slice_level_accuracy"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-mpmri-semi-tsne-points"))
    def evaluation_mpmri_semi_tsne_points(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.mpmri_semi.tsne_points"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-mpmri-semi-tstr-study"))
    def evaluation_mpmri_semi_tstr_study(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.mpmri_semi.tstr_study"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-prostategan-augmentation-study"))
    def evaluation_prostategan_augmentation_study(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.prostategan.augmentation_study"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-prostategan-check-memorisation"))
    def evaluation_prostategan_check_memorisation(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.prostategan.check_memorisation"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-prostategan-score-model-sets"))
    def evaluation_prostategan_score_model_sets(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.prostategan.score_model_sets"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-prostategan-score-realism"))
    def evaluation_prostategan_score_realism(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.prostategan.score_realism"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-prostategan-slice-level-accuracy"))
    def evaluation_prostategan_slice_level_accuracy(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.prostategan.slice_level_accuracy"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-prostategan-tsne-points"))
    def evaluation_prostategan_tsne_points(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.prostategan.tsne_points"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-prostategan-tstr-study"))
    def evaluation_prostategan_tstr_study(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.prostategan.tstr_study"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-dcgan64-plot-selection-curve"))
    def gan_training_dcgan64_plot_selection_curve(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.dcgan64.plot_selection_curve"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-ddpm-plot-selection-curve"))
    def gan_training_ddpm_plot_selection_curve(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.ddpm.plot_selection_curve"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-kitchen-seah-plot-selection-curve"))
    def gan_training_kitchen_seah_plot_selection_curve(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.kitchen_seah.plot_selection_curve"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-mpmri-semi-plot-selection-curve"))
    def gan_training_mpmri_semi_plot_selection_curve(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.mpmri_semi.plot_selection_curve"], mlflow_run_id)

    @task(task_id=_task_id("gan-training-prostategan-plot-selection-curve"))
    def gan_training_prostategan_plot_selection_curve(mlflow_run_id: str):
        _run_kedro_nodes(["gan_training.prostategan.plot_selection_curve"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-gather-augmentation-predictions"))
    def evaluation_gather_augmentation_predictions(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.gather_augmentation_predictions"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-gather-augmentation-runs"))
    def evaluation_gather_augmentation_runs(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.gather_augmentation_runs"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-gather-memorisation-summary"))
    def evaluation_gather_memorisation_summary(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.gather_memorisation_summary"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-gather-realism-scores"))
    def evaluation_gather_realism_scores(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.gather_realism_scores"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-gather-sca-predictions"))
    def evaluation_gather_sca_predictions(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.gather_sca_predictions"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-gather-sca-runs"))
    def evaluation_gather_sca_runs(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.gather_sca_runs"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-gather-set-scores"))
    def evaluation_gather_set_scores(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.gather_set_scores"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-gather-tstr-predictions"))
    def evaluation_gather_tstr_predictions(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.gather_tstr_predictions"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-gather-tstr-runs"))
    def evaluation_gather_tstr_runs(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.gather_tstr_runs"], mlflow_run_id)

    @task(task_id=_task_id("reporting-dcgan64-plot-learning-curves-augmentation"))
    def reporting_dcgan64_plot_learning_curves_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.dcgan64.plot_learning_curves_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-dcgan64-plot-memorisation-distances"))
    def reporting_dcgan64_plot_memorisation_distances(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.dcgan64.plot_memorisation_distances"], mlflow_run_id)

    @task(task_id=_task_id("reporting-dcgan64-plot-memorisation-pairs"))
    def reporting_dcgan64_plot_memorisation_pairs(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.dcgan64.plot_memorisation_pairs"], mlflow_run_id)

    @task(task_id=_task_id("reporting-dcgan64-plot-roc-augmentation"))
    def reporting_dcgan64_plot_roc_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.dcgan64.plot_roc_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-dcgan64-plot-roc-tstr"))
    def reporting_dcgan64_plot_roc_tstr(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.dcgan64.plot_roc_tstr"], mlflow_run_id)

    @task(task_id=_task_id("reporting-dcgan64-plot-tsne"))
    def reporting_dcgan64_plot_tsne(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.dcgan64.plot_tsne"], mlflow_run_id)

    @task(task_id=_task_id("reporting-ddpm-plot-learning-curves-augmentation"))
    def reporting_ddpm_plot_learning_curves_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.ddpm.plot_learning_curves_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-ddpm-plot-memorisation-distances"))
    def reporting_ddpm_plot_memorisation_distances(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.ddpm.plot_memorisation_distances"], mlflow_run_id)

    @task(task_id=_task_id("reporting-ddpm-plot-memorisation-pairs"))
    def reporting_ddpm_plot_memorisation_pairs(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.ddpm.plot_memorisation_pairs"], mlflow_run_id)

    @task(task_id=_task_id("reporting-ddpm-plot-roc-augmentation"))
    def reporting_ddpm_plot_roc_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.ddpm.plot_roc_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-ddpm-plot-roc-tstr"))
    def reporting_ddpm_plot_roc_tstr(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.ddpm.plot_roc_tstr"], mlflow_run_id)

    @task(task_id=_task_id("reporting-ddpm-plot-tsne"))
    def reporting_ddpm_plot_tsne(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.ddpm.plot_tsne"], mlflow_run_id)

    @task(task_id=_task_id("reporting-kitchen-seah-plot-learning-curves-augmentation"))
    def reporting_kitchen_seah_plot_learning_curves_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.kitchen_seah.plot_learning_curves_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-kitchen-seah-plot-memorisation-distances"))
    def reporting_kitchen_seah_plot_memorisation_distances(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.kitchen_seah.plot_memorisation_distances"], mlflow_run_id)

    @task(task_id=_task_id("reporting-kitchen-seah-plot-memorisation-pairs"))
    def reporting_kitchen_seah_plot_memorisation_pairs(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.kitchen_seah.plot_memorisation_pairs"], mlflow_run_id)

    @task(task_id=_task_id("reporting-kitchen-seah-plot-roc-augmentation"))
    def reporting_kitchen_seah_plot_roc_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.kitchen_seah.plot_roc_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-kitchen-seah-plot-roc-tstr"))
    def reporting_kitchen_seah_plot_roc_tstr(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.kitchen_seah.plot_roc_tstr"], mlflow_run_id)

    @task(task_id=_task_id("reporting-kitchen-seah-plot-tsne"))
    def reporting_kitchen_seah_plot_tsne(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.kitchen_seah.plot_tsne"], mlflow_run_id)

    @task(task_id=_task_id("reporting-mpmri-semi-plot-learning-curves-augmentation"))
    def reporting_mpmri_semi_plot_learning_curves_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.mpmri_semi.plot_learning_curves_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-mpmri-semi-plot-memorisation-distances"))
    def reporting_mpmri_semi_plot_memorisation_distances(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.mpmri_semi.plot_memorisation_distances"], mlflow_run_id)

    @task(task_id=_task_id("reporting-mpmri-semi-plot-memorisation-pairs"))
    def reporting_mpmri_semi_plot_memorisation_pairs(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.mpmri_semi.plot_memorisation_pairs"], mlflow_run_id)

    @task(task_id=_task_id("reporting-mpmri-semi-plot-roc-augmentation"))
    def reporting_mpmri_semi_plot_roc_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.mpmri_semi.plot_roc_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-mpmri-semi-plot-roc-tstr"))
    def reporting_mpmri_semi_plot_roc_tstr(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.mpmri_semi.plot_roc_tstr"], mlflow_run_id)

    @task(task_id=_task_id("reporting-mpmri-semi-plot-tsne"))
    def reporting_mpmri_semi_plot_tsne(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.mpmri_semi.plot_tsne"], mlflow_run_id)

    @task(task_id=_task_id("reporting-prostategan-plot-learning-curves-augmentation"))
    def reporting_prostategan_plot_learning_curves_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.prostategan.plot_learning_curves_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-prostategan-plot-memorisation-distances"))
    def reporting_prostategan_plot_memorisation_distances(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.prostategan.plot_memorisation_distances"], mlflow_run_id)

    @task(task_id=_task_id("reporting-prostategan-plot-memorisation-pairs"))
    def reporting_prostategan_plot_memorisation_pairs(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.prostategan.plot_memorisation_pairs"], mlflow_run_id)

    @task(task_id=_task_id("reporting-prostategan-plot-roc-augmentation"))
    def reporting_prostategan_plot_roc_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.prostategan.plot_roc_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-prostategan-plot-roc-tstr"))
    def reporting_prostategan_plot_roc_tstr(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.prostategan.plot_roc_tstr"], mlflow_run_id)

    @task(task_id=_task_id("reporting-prostategan-plot-tsne"))
    def reporting_prostategan_plot_tsne(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.prostategan.plot_tsne"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-compare-models"))
    def evaluation_compare_models(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.compare_models"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-paired-comparisons"))
    def evaluation_paired_comparisons(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.paired_comparisons"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-summarise-augmentation-study"))
    def evaluation_summarise_augmentation_study(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.summarise_augmentation_study"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-summarise-tstr"))
    def evaluation_summarise_tstr(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.summarise_tstr"], mlflow_run_id)

    @task(task_id=_task_id("reporting-memorisation-tables"))
    def reporting_memorisation_tables(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.memorisation_tables"], mlflow_run_id)

    @task(task_id=_task_id("reporting-realism-tables"))
    def reporting_realism_tables(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.realism_tables"], mlflow_run_id)

    @task(task_id=_task_id("evaluation-verdict-sentences"))
    def evaluation_verdict_sentences(mlflow_run_id: str):
        _run_kedro_nodes(["evaluation.verdict_sentences"], mlflow_run_id)

    @task(task_id=_task_id("reporting-augmentation-study-tables"))
    def reporting_augmentation_study_tables(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.augmentation_study_tables"], mlflow_run_id)

    @task(task_id=_task_id("reporting-dcgan64-plot-intervals-augmentation"))
    def reporting_dcgan64_plot_intervals_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.dcgan64.plot_intervals_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-ddpm-plot-intervals-augmentation"))
    def reporting_ddpm_plot_intervals_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.ddpm.plot_intervals_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-gan-comparison-tables"))
    def reporting_gan_comparison_tables(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.gan_comparison_tables"], mlflow_run_id)

    @task(task_id=_task_id("reporting-kitchen-seah-plot-intervals-augmentation"))
    def reporting_kitchen_seah_plot_intervals_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.kitchen_seah.plot_intervals_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-log-mlflow-metrics"))
    def reporting_log_mlflow_metrics(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.log_mlflow_metrics"], mlflow_run_id)

    @task(task_id=_task_id("reporting-mpmri-semi-plot-intervals-augmentation"))
    def reporting_mpmri_semi_plot_intervals_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.mpmri_semi.plot_intervals_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-plot-paired-comparisons"))
    def reporting_plot_paired_comparisons(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.plot_paired_comparisons"], mlflow_run_id)

    @task(task_id=_task_id("reporting-prostategan-plot-intervals-augmentation"))
    def reporting_prostategan_plot_intervals_augmentation(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.prostategan.plot_intervals_augmentation"], mlflow_run_id)

    @task(task_id=_task_id("reporting-table-ii"))
    def reporting_table_ii(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.table_ii"], mlflow_run_id)

    @task(task_id=_task_id("reporting-tstr-tables"))
    def reporting_tstr_tables(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.tstr_tables"], mlflow_run_id)

    @task(task_id=_task_id("reporting-paired-comparisons"))
    def reporting_paired_comparisons(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.paired_comparisons"], mlflow_run_id)

    @task(task_id=_task_id("reporting-write-report"))
    def reporting_write_report(mlflow_run_id: str):
        _run_kedro_nodes(["reporting.write_report"], mlflow_run_id)

    mlflow_run_id = open_mlflow_run()
    tasks = {
        "ingest-index-series-ingest-read-lesions-ingest-collect-rejections-ingest-summarise-ingest": ingest_index_series_ingest_read_lesions_ingest_collect_rejections_ingest_summarise_ingest(mlflow_run_id),
        "registration-register-and-crop": registration_register_and_crop(mlflow_run_id),
        "patches-make-patient-splits": patches_make_patient_splits(mlflow_run_id),
        "registration-plot-registration-check": registration_plot_registration_check(mlflow_run_id),
        "patches-kitchen-seah-16mm-extract-patches": patches_kitchen_seah_16mm_extract_patches(mlflow_run_id),
        "patches-mpmri-64-extract-patches": patches_mpmri_64_extract_patches(mlflow_run_id),
        "patches-prostategan-32-extract-patches": patches_prostategan_32_extract_patches(mlflow_run_id),
        "augmentation-dcgan64-make-classical-set": augmentation_dcgan64_make_classical_set(mlflow_run_id),
        "augmentation-ddpm-make-classical-set": augmentation_ddpm_make_classical_set(mlflow_run_id),
        "augmentation-kitchen-seah-make-classical-set": augmentation_kitchen_seah_make_classical_set(mlflow_run_id),
        "augmentation-mpmri-semi-make-classical-set": augmentation_mpmri_semi_make_classical_set(mlflow_run_id),
        "augmentation-prostategan-make-classical-set": augmentation_prostategan_make_classical_set(mlflow_run_id),
        "evaluation-dcgan64-train-domain-classifier": evaluation_dcgan64_train_domain_classifier(mlflow_run_id),
        "evaluation-ddpm-train-domain-classifier": evaluation_ddpm_train_domain_classifier(mlflow_run_id),
        "evaluation-kitchen-seah-train-domain-classifier": evaluation_kitchen_seah_train_domain_classifier(mlflow_run_id),
        "evaluation-mpmri-semi-train-domain-classifier": evaluation_mpmri_semi_train_domain_classifier(mlflow_run_id),
        "evaluation-prostategan-train-domain-classifier": evaluation_prostategan_train_domain_classifier(mlflow_run_id),
        "gan-training-dcgan64-select-reference-pools-gan-training-dcgan64-select-training-images-gan-training-dcgan64-select-validation-pool-gan-training-dcgan64-pre-augment-gan-training-dcgan64-train-gan-gan-training-dcgan64-plot-progress-grid-gan-training-dcgan64-plot-real-vs-synthetic": gan_training_dcgan64_select_reference_pools_gan_training_dcgan64_select_training_images_gan_training_dcgan64_select_validation_pool_gan_training_dcgan64_pre_augment_gan_training_dcgan64_train_gan_gan_training_dcgan64_plot_progress_grid_gan_training_dcgan64_plot_real_vs_synthetic(mlflow_run_id),
        "gan-training-ddpm-select-reference-pools-gan-training-ddpm-select-training-images-gan-training-ddpm-select-validation-pool-gan-training-ddpm-pre-augment-gan-training-ddpm-train-gan-gan-training-ddpm-plot-progress-grid-gan-training-ddpm-plot-real-vs-synthetic": gan_training_ddpm_select_reference_pools_gan_training_ddpm_select_training_images_gan_training_ddpm_select_validation_pool_gan_training_ddpm_pre_augment_gan_training_ddpm_train_gan_gan_training_ddpm_plot_progress_grid_gan_training_ddpm_plot_real_vs_synthetic(mlflow_run_id),
        "gan-training-kitchen-seah-select-reference-pools-gan-training-kitchen-seah-select-training-images-gan-training-kitchen-seah-select-validation-pool-gan-training-kitchen-seah-pre-augment-gan-training-kitchen-seah-train-gan-gan-training-kitchen-seah-plot-progress-grid-gan-training-kitchen-seah-plot-real-vs-synthetic": gan_training_kitchen_seah_select_reference_pools_gan_training_kitchen_seah_select_training_images_gan_training_kitchen_seah_select_validation_pool_gan_training_kitchen_seah_pre_augment_gan_training_kitchen_seah_train_gan_gan_training_kitchen_seah_plot_progress_grid_gan_training_kitchen_seah_plot_real_vs_synthetic(mlflow_run_id),
        "gan-training-mpmri-semi-select-reference-pools-gan-training-mpmri-semi-select-training-images-gan-training-mpmri-semi-select-validation-pool-gan-training-mpmri-semi-pre-augment-gan-training-mpmri-semi-train-gan-gan-training-mpmri-semi-plot-progress-grid-gan-training-mpmri-semi-plot-real-vs-synthetic": gan_training_mpmri_semi_select_reference_pools_gan_training_mpmri_semi_select_training_images_gan_training_mpmri_semi_select_validation_pool_gan_training_mpmri_semi_pre_augment_gan_training_mpmri_semi_train_gan_gan_training_mpmri_semi_plot_progress_grid_gan_training_mpmri_semi_plot_real_vs_synthetic(mlflow_run_id),
        "gan-training-prostategan-select-reference-pools-gan-training-prostategan-select-training-images-gan-training-prostategan-select-validation-pool-gan-training-prostategan-pre-augment-gan-training-prostategan-train-gan-gan-training-prostategan-plot-progress-grid-gan-training-prostategan-plot-real-vs-synthetic": gan_training_prostategan_select_reference_pools_gan_training_prostategan_select_training_images_gan_training_prostategan_select_validation_pool_gan_training_prostategan_pre_augment_gan_training_prostategan_train_gan_gan_training_prostategan_plot_progress_grid_gan_training_prostategan_plot_real_vs_synthetic(mlflow_run_id),
        "patches-kitchen-seah-16mm-plot-patch-grid": patches_kitchen_seah_16mm_plot_patch_grid(mlflow_run_id),
        "patches-kitchen-seah-16mm-plot-patch-location": patches_kitchen_seah_16mm_plot_patch_location(mlflow_run_id),
        "patches-kitchen-seah-16mm-summarise-patches": patches_kitchen_seah_16mm_summarise_patches(mlflow_run_id),
        "patches-mpmri-64-plot-patch-grid": patches_mpmri_64_plot_patch_grid(mlflow_run_id),
        "patches-mpmri-64-plot-patch-location": patches_mpmri_64_plot_patch_location(mlflow_run_id),
        "patches-mpmri-64-summarise-patches": patches_mpmri_64_summarise_patches(mlflow_run_id),
        "patches-prostategan-32-plot-patch-grid": patches_prostategan_32_plot_patch_grid(mlflow_run_id),
        "patches-prostategan-32-plot-patch-location": patches_prostategan_32_plot_patch_location(mlflow_run_id),
        "patches-prostategan-32-summarise-patches": patches_prostategan_32_summarise_patches(mlflow_run_id),
        "augmentation-dcgan64-make-synthetic-sets": augmentation_dcgan64_make_synthetic_sets(mlflow_run_id),
        "augmentation-ddpm-make-synthetic-sets": augmentation_ddpm_make_synthetic_sets(mlflow_run_id),
        "augmentation-kitchen-seah-make-synthetic-sets": augmentation_kitchen_seah_make_synthetic_sets(mlflow_run_id),
        "augmentation-mpmri-semi-make-synthetic-sets": augmentation_mpmri_semi_make_synthetic_sets(mlflow_run_id),
        "augmentation-prostategan-make-synthetic-sets": augmentation_prostategan_make_synthetic_sets(mlflow_run_id),
        "gan-training-dcgan64-plot-latent-interpolation": gan_training_dcgan64_plot_latent_interpolation(mlflow_run_id),
        "gan-training-dcgan64-plot-loss-curves": gan_training_dcgan64_plot_loss_curves(mlflow_run_id),
        "gan-training-dcgan64-selection-curve": gan_training_dcgan64_selection_curve(mlflow_run_id),
        "gan-training-ddpm-plot-latent-interpolation": gan_training_ddpm_plot_latent_interpolation(mlflow_run_id),
        "gan-training-ddpm-plot-loss-curves": gan_training_ddpm_plot_loss_curves(mlflow_run_id),
        "gan-training-ddpm-selection-curve": gan_training_ddpm_selection_curve(mlflow_run_id),
        "gan-training-kitchen-seah-plot-latent-interpolation": gan_training_kitchen_seah_plot_latent_interpolation(mlflow_run_id),
        "gan-training-kitchen-seah-plot-loss-curves": gan_training_kitchen_seah_plot_loss_curves(mlflow_run_id),
        "gan-training-kitchen-seah-selection-curve": gan_training_kitchen_seah_selection_curve(mlflow_run_id),
        "gan-training-mpmri-semi-plot-latent-interpolation": gan_training_mpmri_semi_plot_latent_interpolation(mlflow_run_id),
        "gan-training-mpmri-semi-plot-loss-curves": gan_training_mpmri_semi_plot_loss_curves(mlflow_run_id),
        "gan-training-mpmri-semi-selection-curve": gan_training_mpmri_semi_selection_curve(mlflow_run_id),
        "gan-training-prostategan-plot-latent-interpolation": gan_training_prostategan_plot_latent_interpolation(mlflow_run_id),
        "gan-training-prostategan-plot-loss-curves": gan_training_prostategan_plot_loss_curves(mlflow_run_id),
        "gan-training-prostategan-selection-curve": gan_training_prostategan_selection_curve(mlflow_run_id),
        "augmentation-dcgan64-plot-synthetic-samples": augmentation_dcgan64_plot_synthetic_samples(mlflow_run_id),
        "augmentation-ddpm-plot-synthetic-samples": augmentation_ddpm_plot_synthetic_samples(mlflow_run_id),
        "augmentation-kitchen-seah-plot-synthetic-samples": augmentation_kitchen_seah_plot_synthetic_samples(mlflow_run_id),
        "augmentation-mpmri-semi-plot-synthetic-samples": augmentation_mpmri_semi_plot_synthetic_samples(mlflow_run_id),
        "augmentation-prostategan-plot-synthetic-samples": augmentation_prostategan_plot_synthetic_samples(mlflow_run_id),
        "evaluation-dcgan64-augmentation-study": evaluation_dcgan64_augmentation_study(mlflow_run_id),
        "evaluation-dcgan64-check-memorisation": evaluation_dcgan64_check_memorisation(mlflow_run_id),
        "evaluation-dcgan64-score-model-sets": evaluation_dcgan64_score_model_sets(mlflow_run_id),
        "evaluation-dcgan64-score-realism": evaluation_dcgan64_score_realism(mlflow_run_id),
        "evaluation-dcgan64-slice-level-accuracy": evaluation_dcgan64_slice_level_accuracy(mlflow_run_id),
        "evaluation-dcgan64-tsne-points": evaluation_dcgan64_tsne_points(mlflow_run_id),
        "evaluation-dcgan64-tstr-study": evaluation_dcgan64_tstr_study(mlflow_run_id),
        "evaluation-ddpm-augmentation-study": evaluation_ddpm_augmentation_study(mlflow_run_id),
        "evaluation-ddpm-check-memorisation": evaluation_ddpm_check_memorisation(mlflow_run_id),
        "evaluation-ddpm-score-model-sets": evaluation_ddpm_score_model_sets(mlflow_run_id),
        "evaluation-ddpm-score-realism": evaluation_ddpm_score_realism(mlflow_run_id),
        "evaluation-ddpm-slice-level-accuracy": evaluation_ddpm_slice_level_accuracy(mlflow_run_id),
        "evaluation-ddpm-tsne-points": evaluation_ddpm_tsne_points(mlflow_run_id),
        "evaluation-ddpm-tstr-study": evaluation_ddpm_tstr_study(mlflow_run_id),
        "evaluation-kitchen-seah-augmentation-study": evaluation_kitchen_seah_augmentation_study(mlflow_run_id),
        "evaluation-kitchen-seah-check-memorisation": evaluation_kitchen_seah_check_memorisation(mlflow_run_id),
        "evaluation-kitchen-seah-score-model-sets": evaluation_kitchen_seah_score_model_sets(mlflow_run_id),
        "evaluation-kitchen-seah-score-realism": evaluation_kitchen_seah_score_realism(mlflow_run_id),
        "evaluation-kitchen-seah-slice-level-accuracy": evaluation_kitchen_seah_slice_level_accuracy(mlflow_run_id),
        "evaluation-kitchen-seah-tsne-points": evaluation_kitchen_seah_tsne_points(mlflow_run_id),
        "evaluation-kitchen-seah-tstr-study": evaluation_kitchen_seah_tstr_study(mlflow_run_id),
        "evaluation-mpmri-semi-augmentation-study": evaluation_mpmri_semi_augmentation_study(mlflow_run_id),
        "evaluation-mpmri-semi-check-memorisation": evaluation_mpmri_semi_check_memorisation(mlflow_run_id),
        "evaluation-mpmri-semi-score-model-sets": evaluation_mpmri_semi_score_model_sets(mlflow_run_id),
        "evaluation-mpmri-semi-score-realism": evaluation_mpmri_semi_score_realism(mlflow_run_id),
        "evaluation-mpmri-semi-slice-level-accuracy": evaluation_mpmri_semi_slice_level_accuracy(mlflow_run_id),
        "evaluation-mpmri-semi-tsne-points": evaluation_mpmri_semi_tsne_points(mlflow_run_id),
        "evaluation-mpmri-semi-tstr-study": evaluation_mpmri_semi_tstr_study(mlflow_run_id),
        "evaluation-prostategan-augmentation-study": evaluation_prostategan_augmentation_study(mlflow_run_id),
        "evaluation-prostategan-check-memorisation": evaluation_prostategan_check_memorisation(mlflow_run_id),
        "evaluation-prostategan-score-model-sets": evaluation_prostategan_score_model_sets(mlflow_run_id),
        "evaluation-prostategan-score-realism": evaluation_prostategan_score_realism(mlflow_run_id),
        "evaluation-prostategan-slice-level-accuracy": evaluation_prostategan_slice_level_accuracy(mlflow_run_id),
        "evaluation-prostategan-tsne-points": evaluation_prostategan_tsne_points(mlflow_run_id),
        "evaluation-prostategan-tstr-study": evaluation_prostategan_tstr_study(mlflow_run_id),
        "gan-training-dcgan64-plot-selection-curve": gan_training_dcgan64_plot_selection_curve(mlflow_run_id),
        "gan-training-ddpm-plot-selection-curve": gan_training_ddpm_plot_selection_curve(mlflow_run_id),
        "gan-training-kitchen-seah-plot-selection-curve": gan_training_kitchen_seah_plot_selection_curve(mlflow_run_id),
        "gan-training-mpmri-semi-plot-selection-curve": gan_training_mpmri_semi_plot_selection_curve(mlflow_run_id),
        "gan-training-prostategan-plot-selection-curve": gan_training_prostategan_plot_selection_curve(mlflow_run_id),
        "evaluation-gather-augmentation-predictions": evaluation_gather_augmentation_predictions(mlflow_run_id),
        "evaluation-gather-augmentation-runs": evaluation_gather_augmentation_runs(mlflow_run_id),
        "evaluation-gather-memorisation-summary": evaluation_gather_memorisation_summary(mlflow_run_id),
        "evaluation-gather-realism-scores": evaluation_gather_realism_scores(mlflow_run_id),
        "evaluation-gather-sca-predictions": evaluation_gather_sca_predictions(mlflow_run_id),
        "evaluation-gather-sca-runs": evaluation_gather_sca_runs(mlflow_run_id),
        "evaluation-gather-set-scores": evaluation_gather_set_scores(mlflow_run_id),
        "evaluation-gather-tstr-predictions": evaluation_gather_tstr_predictions(mlflow_run_id),
        "evaluation-gather-tstr-runs": evaluation_gather_tstr_runs(mlflow_run_id),
        "reporting-dcgan64-plot-learning-curves-augmentation": reporting_dcgan64_plot_learning_curves_augmentation(mlflow_run_id),
        "reporting-dcgan64-plot-memorisation-distances": reporting_dcgan64_plot_memorisation_distances(mlflow_run_id),
        "reporting-dcgan64-plot-memorisation-pairs": reporting_dcgan64_plot_memorisation_pairs(mlflow_run_id),
        "reporting-dcgan64-plot-roc-augmentation": reporting_dcgan64_plot_roc_augmentation(mlflow_run_id),
        "reporting-dcgan64-plot-roc-tstr": reporting_dcgan64_plot_roc_tstr(mlflow_run_id),
        "reporting-dcgan64-plot-tsne": reporting_dcgan64_plot_tsne(mlflow_run_id),
        "reporting-ddpm-plot-learning-curves-augmentation": reporting_ddpm_plot_learning_curves_augmentation(mlflow_run_id),
        "reporting-ddpm-plot-memorisation-distances": reporting_ddpm_plot_memorisation_distances(mlflow_run_id),
        "reporting-ddpm-plot-memorisation-pairs": reporting_ddpm_plot_memorisation_pairs(mlflow_run_id),
        "reporting-ddpm-plot-roc-augmentation": reporting_ddpm_plot_roc_augmentation(mlflow_run_id),
        "reporting-ddpm-plot-roc-tstr": reporting_ddpm_plot_roc_tstr(mlflow_run_id),
        "reporting-ddpm-plot-tsne": reporting_ddpm_plot_tsne(mlflow_run_id),
        "reporting-kitchen-seah-plot-learning-curves-augmentation": reporting_kitchen_seah_plot_learning_curves_augmentation(mlflow_run_id),
        "reporting-kitchen-seah-plot-memorisation-distances": reporting_kitchen_seah_plot_memorisation_distances(mlflow_run_id),
        "reporting-kitchen-seah-plot-memorisation-pairs": reporting_kitchen_seah_plot_memorisation_pairs(mlflow_run_id),
        "reporting-kitchen-seah-plot-roc-augmentation": reporting_kitchen_seah_plot_roc_augmentation(mlflow_run_id),
        "reporting-kitchen-seah-plot-roc-tstr": reporting_kitchen_seah_plot_roc_tstr(mlflow_run_id),
        "reporting-kitchen-seah-plot-tsne": reporting_kitchen_seah_plot_tsne(mlflow_run_id),
        "reporting-mpmri-semi-plot-learning-curves-augmentation": reporting_mpmri_semi_plot_learning_curves_augmentation(mlflow_run_id),
        "reporting-mpmri-semi-plot-memorisation-distances": reporting_mpmri_semi_plot_memorisation_distances(mlflow_run_id),
        "reporting-mpmri-semi-plot-memorisation-pairs": reporting_mpmri_semi_plot_memorisation_pairs(mlflow_run_id),
        "reporting-mpmri-semi-plot-roc-augmentation": reporting_mpmri_semi_plot_roc_augmentation(mlflow_run_id),
        "reporting-mpmri-semi-plot-roc-tstr": reporting_mpmri_semi_plot_roc_tstr(mlflow_run_id),
        "reporting-mpmri-semi-plot-tsne": reporting_mpmri_semi_plot_tsne(mlflow_run_id),
        "reporting-prostategan-plot-learning-curves-augmentation": reporting_prostategan_plot_learning_curves_augmentation(mlflow_run_id),
        "reporting-prostategan-plot-memorisation-distances": reporting_prostategan_plot_memorisation_distances(mlflow_run_id),
        "reporting-prostategan-plot-memorisation-pairs": reporting_prostategan_plot_memorisation_pairs(mlflow_run_id),
        "reporting-prostategan-plot-roc-augmentation": reporting_prostategan_plot_roc_augmentation(mlflow_run_id),
        "reporting-prostategan-plot-roc-tstr": reporting_prostategan_plot_roc_tstr(mlflow_run_id),
        "reporting-prostategan-plot-tsne": reporting_prostategan_plot_tsne(mlflow_run_id),
        "evaluation-compare-models": evaluation_compare_models(mlflow_run_id),
        "evaluation-paired-comparisons": evaluation_paired_comparisons(mlflow_run_id),
        "evaluation-summarise-augmentation-study": evaluation_summarise_augmentation_study(mlflow_run_id),
        "evaluation-summarise-tstr": evaluation_summarise_tstr(mlflow_run_id),
        "reporting-memorisation-tables": reporting_memorisation_tables(mlflow_run_id),
        "reporting-realism-tables": reporting_realism_tables(mlflow_run_id),
        "evaluation-verdict-sentences": evaluation_verdict_sentences(mlflow_run_id),
        "reporting-augmentation-study-tables": reporting_augmentation_study_tables(mlflow_run_id),
        "reporting-dcgan64-plot-intervals-augmentation": reporting_dcgan64_plot_intervals_augmentation(mlflow_run_id),
        "reporting-ddpm-plot-intervals-augmentation": reporting_ddpm_plot_intervals_augmentation(mlflow_run_id),
        "reporting-gan-comparison-tables": reporting_gan_comparison_tables(mlflow_run_id),
        "reporting-kitchen-seah-plot-intervals-augmentation": reporting_kitchen_seah_plot_intervals_augmentation(mlflow_run_id),
        "reporting-log-mlflow-metrics": reporting_log_mlflow_metrics(mlflow_run_id),
        "reporting-mpmri-semi-plot-intervals-augmentation": reporting_mpmri_semi_plot_intervals_augmentation(mlflow_run_id),
        "reporting-plot-paired-comparisons": reporting_plot_paired_comparisons(mlflow_run_id),
        "reporting-prostategan-plot-intervals-augmentation": reporting_prostategan_plot_intervals_augmentation(mlflow_run_id),
        "reporting-table-ii": reporting_table_ii(mlflow_run_id),
        "reporting-tstr-tables": reporting_tstr_tables(mlflow_run_id),
        "reporting-paired-comparisons": reporting_paired_comparisons(mlflow_run_id),
        "reporting-write-report": reporting_write_report(mlflow_run_id),
    }
    tasks["ingest-index-series-ingest-read-lesions-ingest-collect-rejections-ingest-summarise-ingest"] >> tasks["registration-register-and-crop"]
    tasks["ingest-index-series-ingest-read-lesions-ingest-collect-rejections-ingest-summarise-ingest"] >> tasks["patches-make-patient-splits"]
    tasks["registration-register-and-crop"] >> tasks["patches-make-patient-splits"]
    tasks["registration-register-and-crop"] >> tasks["registration-plot-registration-check"]
    tasks["ingest-index-series-ingest-read-lesions-ingest-collect-rejections-ingest-summarise-ingest"] >> tasks["patches-kitchen-seah-16mm-extract-patches"]
    tasks["registration-register-and-crop"] >> tasks["patches-kitchen-seah-16mm-extract-patches"]
    tasks["patches-make-patient-splits"] >> tasks["patches-kitchen-seah-16mm-extract-patches"]
    tasks["ingest-index-series-ingest-read-lesions-ingest-collect-rejections-ingest-summarise-ingest"] >> tasks["patches-mpmri-64-extract-patches"]
    tasks["registration-register-and-crop"] >> tasks["patches-mpmri-64-extract-patches"]
    tasks["patches-make-patient-splits"] >> tasks["patches-mpmri-64-extract-patches"]
    tasks["ingest-index-series-ingest-read-lesions-ingest-collect-rejections-ingest-summarise-ingest"] >> tasks["patches-prostategan-32-extract-patches"]
    tasks["registration-register-and-crop"] >> tasks["patches-prostategan-32-extract-patches"]
    tasks["patches-make-patient-splits"] >> tasks["patches-prostategan-32-extract-patches"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["augmentation-dcgan64-make-classical-set"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["augmentation-ddpm-make-classical-set"]
    tasks["patches-kitchen-seah-16mm-extract-patches"] >> tasks["augmentation-kitchen-seah-make-classical-set"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["augmentation-mpmri-semi-make-classical-set"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["augmentation-prostategan-make-classical-set"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-dcgan64-train-domain-classifier"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-ddpm-train-domain-classifier"]
    tasks["patches-kitchen-seah-16mm-extract-patches"] >> tasks["evaluation-kitchen-seah-train-domain-classifier"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-mpmri-semi-train-domain-classifier"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-prostategan-train-domain-classifier"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["gan-training-dcgan64-select-reference-pools-gan-training-dcgan64-select-training-images-gan-training-dcgan64-select-validation-pool-gan-training-dcgan64-pre-augment-gan-training-dcgan64-train-gan-gan-training-dcgan64-plot-progress-grid-gan-training-dcgan64-plot-real-vs-synthetic"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["gan-training-ddpm-select-reference-pools-gan-training-ddpm-select-training-images-gan-training-ddpm-select-validation-pool-gan-training-ddpm-pre-augment-gan-training-ddpm-train-gan-gan-training-ddpm-plot-progress-grid-gan-training-ddpm-plot-real-vs-synthetic"]
    tasks["patches-kitchen-seah-16mm-extract-patches"] >> tasks["gan-training-kitchen-seah-select-reference-pools-gan-training-kitchen-seah-select-training-images-gan-training-kitchen-seah-select-validation-pool-gan-training-kitchen-seah-pre-augment-gan-training-kitchen-seah-train-gan-gan-training-kitchen-seah-plot-progress-grid-gan-training-kitchen-seah-plot-real-vs-synthetic"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["gan-training-mpmri-semi-select-reference-pools-gan-training-mpmri-semi-select-training-images-gan-training-mpmri-semi-select-validation-pool-gan-training-mpmri-semi-pre-augment-gan-training-mpmri-semi-train-gan-gan-training-mpmri-semi-plot-progress-grid-gan-training-mpmri-semi-plot-real-vs-synthetic"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["gan-training-prostategan-select-reference-pools-gan-training-prostategan-select-training-images-gan-training-prostategan-select-validation-pool-gan-training-prostategan-pre-augment-gan-training-prostategan-train-gan-gan-training-prostategan-plot-progress-grid-gan-training-prostategan-plot-real-vs-synthetic"]
    tasks["patches-kitchen-seah-16mm-extract-patches"] >> tasks["patches-kitchen-seah-16mm-plot-patch-grid"]
    tasks["registration-register-and-crop"] >> tasks["patches-kitchen-seah-16mm-plot-patch-location"]
    tasks["patches-kitchen-seah-16mm-extract-patches"] >> tasks["patches-kitchen-seah-16mm-plot-patch-location"]
    tasks["patches-kitchen-seah-16mm-extract-patches"] >> tasks["patches-kitchen-seah-16mm-summarise-patches"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["patches-mpmri-64-plot-patch-grid"]
    tasks["registration-register-and-crop"] >> tasks["patches-mpmri-64-plot-patch-location"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["patches-mpmri-64-plot-patch-location"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["patches-mpmri-64-summarise-patches"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["patches-prostategan-32-plot-patch-grid"]
    tasks["registration-register-and-crop"] >> tasks["patches-prostategan-32-plot-patch-location"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["patches-prostategan-32-plot-patch-location"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["patches-prostategan-32-summarise-patches"]
    tasks["gan-training-dcgan64-select-reference-pools-gan-training-dcgan64-select-training-images-gan-training-dcgan64-select-validation-pool-gan-training-dcgan64-pre-augment-gan-training-dcgan64-train-gan-gan-training-dcgan64-plot-progress-grid-gan-training-dcgan64-plot-real-vs-synthetic"] >> tasks["augmentation-dcgan64-make-synthetic-sets"]
    tasks["gan-training-ddpm-select-reference-pools-gan-training-ddpm-select-training-images-gan-training-ddpm-select-validation-pool-gan-training-ddpm-pre-augment-gan-training-ddpm-train-gan-gan-training-ddpm-plot-progress-grid-gan-training-ddpm-plot-real-vs-synthetic"] >> tasks["augmentation-ddpm-make-synthetic-sets"]
    tasks["gan-training-kitchen-seah-select-reference-pools-gan-training-kitchen-seah-select-training-images-gan-training-kitchen-seah-select-validation-pool-gan-training-kitchen-seah-pre-augment-gan-training-kitchen-seah-train-gan-gan-training-kitchen-seah-plot-progress-grid-gan-training-kitchen-seah-plot-real-vs-synthetic"] >> tasks["augmentation-kitchen-seah-make-synthetic-sets"]
    tasks["gan-training-mpmri-semi-select-reference-pools-gan-training-mpmri-semi-select-training-images-gan-training-mpmri-semi-select-validation-pool-gan-training-mpmri-semi-pre-augment-gan-training-mpmri-semi-train-gan-gan-training-mpmri-semi-plot-progress-grid-gan-training-mpmri-semi-plot-real-vs-synthetic"] >> tasks["augmentation-mpmri-semi-make-synthetic-sets"]
    tasks["gan-training-prostategan-select-reference-pools-gan-training-prostategan-select-training-images-gan-training-prostategan-select-validation-pool-gan-training-prostategan-pre-augment-gan-training-prostategan-train-gan-gan-training-prostategan-plot-progress-grid-gan-training-prostategan-plot-real-vs-synthetic"] >> tasks["augmentation-prostategan-make-synthetic-sets"]
    tasks["gan-training-dcgan64-select-reference-pools-gan-training-dcgan64-select-training-images-gan-training-dcgan64-select-validation-pool-gan-training-dcgan64-pre-augment-gan-training-dcgan64-train-gan-gan-training-dcgan64-plot-progress-grid-gan-training-dcgan64-plot-real-vs-synthetic"] >> tasks["gan-training-dcgan64-plot-latent-interpolation"]
    tasks["gan-training-dcgan64-select-reference-pools-gan-training-dcgan64-select-training-images-gan-training-dcgan64-select-validation-pool-gan-training-dcgan64-pre-augment-gan-training-dcgan64-train-gan-gan-training-dcgan64-plot-progress-grid-gan-training-dcgan64-plot-real-vs-synthetic"] >> tasks["gan-training-dcgan64-plot-loss-curves"]
    tasks["gan-training-dcgan64-select-reference-pools-gan-training-dcgan64-select-training-images-gan-training-dcgan64-select-validation-pool-gan-training-dcgan64-pre-augment-gan-training-dcgan64-train-gan-gan-training-dcgan64-plot-progress-grid-gan-training-dcgan64-plot-real-vs-synthetic"] >> tasks["gan-training-dcgan64-selection-curve"]
    tasks["gan-training-ddpm-select-reference-pools-gan-training-ddpm-select-training-images-gan-training-ddpm-select-validation-pool-gan-training-ddpm-pre-augment-gan-training-ddpm-train-gan-gan-training-ddpm-plot-progress-grid-gan-training-ddpm-plot-real-vs-synthetic"] >> tasks["gan-training-ddpm-plot-latent-interpolation"]
    tasks["gan-training-ddpm-select-reference-pools-gan-training-ddpm-select-training-images-gan-training-ddpm-select-validation-pool-gan-training-ddpm-pre-augment-gan-training-ddpm-train-gan-gan-training-ddpm-plot-progress-grid-gan-training-ddpm-plot-real-vs-synthetic"] >> tasks["gan-training-ddpm-plot-loss-curves"]
    tasks["gan-training-ddpm-select-reference-pools-gan-training-ddpm-select-training-images-gan-training-ddpm-select-validation-pool-gan-training-ddpm-pre-augment-gan-training-ddpm-train-gan-gan-training-ddpm-plot-progress-grid-gan-training-ddpm-plot-real-vs-synthetic"] >> tasks["gan-training-ddpm-selection-curve"]
    tasks["gan-training-kitchen-seah-select-reference-pools-gan-training-kitchen-seah-select-training-images-gan-training-kitchen-seah-select-validation-pool-gan-training-kitchen-seah-pre-augment-gan-training-kitchen-seah-train-gan-gan-training-kitchen-seah-plot-progress-grid-gan-training-kitchen-seah-plot-real-vs-synthetic"] >> tasks["gan-training-kitchen-seah-plot-latent-interpolation"]
    tasks["gan-training-kitchen-seah-select-reference-pools-gan-training-kitchen-seah-select-training-images-gan-training-kitchen-seah-select-validation-pool-gan-training-kitchen-seah-pre-augment-gan-training-kitchen-seah-train-gan-gan-training-kitchen-seah-plot-progress-grid-gan-training-kitchen-seah-plot-real-vs-synthetic"] >> tasks["gan-training-kitchen-seah-plot-loss-curves"]
    tasks["gan-training-kitchen-seah-select-reference-pools-gan-training-kitchen-seah-select-training-images-gan-training-kitchen-seah-select-validation-pool-gan-training-kitchen-seah-pre-augment-gan-training-kitchen-seah-train-gan-gan-training-kitchen-seah-plot-progress-grid-gan-training-kitchen-seah-plot-real-vs-synthetic"] >> tasks["gan-training-kitchen-seah-selection-curve"]
    tasks["gan-training-mpmri-semi-select-reference-pools-gan-training-mpmri-semi-select-training-images-gan-training-mpmri-semi-select-validation-pool-gan-training-mpmri-semi-pre-augment-gan-training-mpmri-semi-train-gan-gan-training-mpmri-semi-plot-progress-grid-gan-training-mpmri-semi-plot-real-vs-synthetic"] >> tasks["gan-training-mpmri-semi-plot-latent-interpolation"]
    tasks["gan-training-mpmri-semi-select-reference-pools-gan-training-mpmri-semi-select-training-images-gan-training-mpmri-semi-select-validation-pool-gan-training-mpmri-semi-pre-augment-gan-training-mpmri-semi-train-gan-gan-training-mpmri-semi-plot-progress-grid-gan-training-mpmri-semi-plot-real-vs-synthetic"] >> tasks["gan-training-mpmri-semi-plot-loss-curves"]
    tasks["gan-training-mpmri-semi-select-reference-pools-gan-training-mpmri-semi-select-training-images-gan-training-mpmri-semi-select-validation-pool-gan-training-mpmri-semi-pre-augment-gan-training-mpmri-semi-train-gan-gan-training-mpmri-semi-plot-progress-grid-gan-training-mpmri-semi-plot-real-vs-synthetic"] >> tasks["gan-training-mpmri-semi-selection-curve"]
    tasks["gan-training-prostategan-select-reference-pools-gan-training-prostategan-select-training-images-gan-training-prostategan-select-validation-pool-gan-training-prostategan-pre-augment-gan-training-prostategan-train-gan-gan-training-prostategan-plot-progress-grid-gan-training-prostategan-plot-real-vs-synthetic"] >> tasks["gan-training-prostategan-plot-latent-interpolation"]
    tasks["gan-training-prostategan-select-reference-pools-gan-training-prostategan-select-training-images-gan-training-prostategan-select-validation-pool-gan-training-prostategan-pre-augment-gan-training-prostategan-train-gan-gan-training-prostategan-plot-progress-grid-gan-training-prostategan-plot-real-vs-synthetic"] >> tasks["gan-training-prostategan-plot-loss-curves"]
    tasks["gan-training-prostategan-select-reference-pools-gan-training-prostategan-select-training-images-gan-training-prostategan-select-validation-pool-gan-training-prostategan-pre-augment-gan-training-prostategan-train-gan-gan-training-prostategan-plot-progress-grid-gan-training-prostategan-plot-real-vs-synthetic"] >> tasks["gan-training-prostategan-selection-curve"]
    tasks["augmentation-dcgan64-make-synthetic-sets"] >> tasks["augmentation-dcgan64-plot-synthetic-samples"]
    tasks["augmentation-ddpm-make-synthetic-sets"] >> tasks["augmentation-ddpm-plot-synthetic-samples"]
    tasks["augmentation-kitchen-seah-make-synthetic-sets"] >> tasks["augmentation-kitchen-seah-plot-synthetic-samples"]
    tasks["augmentation-mpmri-semi-make-synthetic-sets"] >> tasks["augmentation-mpmri-semi-plot-synthetic-samples"]
    tasks["augmentation-prostategan-make-synthetic-sets"] >> tasks["augmentation-prostategan-plot-synthetic-samples"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-dcgan64-augmentation-study"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-dcgan64-augmentation-study"]
    tasks["augmentation-dcgan64-make-classical-set"] >> tasks["evaluation-dcgan64-augmentation-study"]
    tasks["augmentation-dcgan64-make-synthetic-sets"] >> tasks["evaluation-dcgan64-augmentation-study"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-dcgan64-check-memorisation"]
    tasks["augmentation-dcgan64-make-synthetic-sets"] >> tasks["evaluation-dcgan64-check-memorisation"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-dcgan64-score-model-sets"]
    tasks["evaluation-dcgan64-train-domain-classifier"] >> tasks["evaluation-dcgan64-score-model-sets"]
    tasks["augmentation-dcgan64-make-synthetic-sets"] >> tasks["evaluation-dcgan64-score-model-sets"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-dcgan64-score-realism"]
    tasks["evaluation-dcgan64-train-domain-classifier"] >> tasks["evaluation-dcgan64-score-realism"]
    tasks["augmentation-dcgan64-make-synthetic-sets"] >> tasks["evaluation-dcgan64-score-realism"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-dcgan64-slice-level-accuracy"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-dcgan64-slice-level-accuracy"]
    tasks["augmentation-dcgan64-make-classical-set"] >> tasks["evaluation-dcgan64-slice-level-accuracy"]
    tasks["augmentation-dcgan64-make-synthetic-sets"] >> tasks["evaluation-dcgan64-slice-level-accuracy"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-dcgan64-tsne-points"]
    tasks["augmentation-dcgan64-make-classical-set"] >> tasks["evaluation-dcgan64-tsne-points"]
    tasks["augmentation-dcgan64-make-synthetic-sets"] >> tasks["evaluation-dcgan64-tsne-points"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-dcgan64-tstr-study"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-dcgan64-tstr-study"]
    tasks["augmentation-dcgan64-make-synthetic-sets"] >> tasks["evaluation-dcgan64-tstr-study"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-ddpm-augmentation-study"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-ddpm-augmentation-study"]
    tasks["augmentation-ddpm-make-classical-set"] >> tasks["evaluation-ddpm-augmentation-study"]
    tasks["augmentation-ddpm-make-synthetic-sets"] >> tasks["evaluation-ddpm-augmentation-study"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-ddpm-check-memorisation"]
    tasks["augmentation-ddpm-make-synthetic-sets"] >> tasks["evaluation-ddpm-check-memorisation"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-ddpm-score-model-sets"]
    tasks["evaluation-ddpm-train-domain-classifier"] >> tasks["evaluation-ddpm-score-model-sets"]
    tasks["augmentation-ddpm-make-synthetic-sets"] >> tasks["evaluation-ddpm-score-model-sets"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-ddpm-score-realism"]
    tasks["evaluation-ddpm-train-domain-classifier"] >> tasks["evaluation-ddpm-score-realism"]
    tasks["augmentation-ddpm-make-synthetic-sets"] >> tasks["evaluation-ddpm-score-realism"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-ddpm-slice-level-accuracy"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-ddpm-slice-level-accuracy"]
    tasks["augmentation-ddpm-make-classical-set"] >> tasks["evaluation-ddpm-slice-level-accuracy"]
    tasks["augmentation-ddpm-make-synthetic-sets"] >> tasks["evaluation-ddpm-slice-level-accuracy"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-ddpm-tsne-points"]
    tasks["augmentation-ddpm-make-classical-set"] >> tasks["evaluation-ddpm-tsne-points"]
    tasks["augmentation-ddpm-make-synthetic-sets"] >> tasks["evaluation-ddpm-tsne-points"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-ddpm-tstr-study"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-ddpm-tstr-study"]
    tasks["augmentation-ddpm-make-synthetic-sets"] >> tasks["evaluation-ddpm-tstr-study"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-kitchen-seah-augmentation-study"]
    tasks["patches-kitchen-seah-16mm-extract-patches"] >> tasks["evaluation-kitchen-seah-augmentation-study"]
    tasks["augmentation-kitchen-seah-make-classical-set"] >> tasks["evaluation-kitchen-seah-augmentation-study"]
    tasks["augmentation-kitchen-seah-make-synthetic-sets"] >> tasks["evaluation-kitchen-seah-augmentation-study"]
    tasks["patches-kitchen-seah-16mm-extract-patches"] >> tasks["evaluation-kitchen-seah-check-memorisation"]
    tasks["augmentation-kitchen-seah-make-synthetic-sets"] >> tasks["evaluation-kitchen-seah-check-memorisation"]
    tasks["patches-kitchen-seah-16mm-extract-patches"] >> tasks["evaluation-kitchen-seah-score-model-sets"]
    tasks["evaluation-kitchen-seah-train-domain-classifier"] >> tasks["evaluation-kitchen-seah-score-model-sets"]
    tasks["augmentation-kitchen-seah-make-synthetic-sets"] >> tasks["evaluation-kitchen-seah-score-model-sets"]
    tasks["patches-kitchen-seah-16mm-extract-patches"] >> tasks["evaluation-kitchen-seah-score-realism"]
    tasks["evaluation-kitchen-seah-train-domain-classifier"] >> tasks["evaluation-kitchen-seah-score-realism"]
    tasks["augmentation-kitchen-seah-make-synthetic-sets"] >> tasks["evaluation-kitchen-seah-score-realism"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-kitchen-seah-slice-level-accuracy"]
    tasks["patches-kitchen-seah-16mm-extract-patches"] >> tasks["evaluation-kitchen-seah-slice-level-accuracy"]
    tasks["augmentation-kitchen-seah-make-classical-set"] >> tasks["evaluation-kitchen-seah-slice-level-accuracy"]
    tasks["augmentation-kitchen-seah-make-synthetic-sets"] >> tasks["evaluation-kitchen-seah-slice-level-accuracy"]
    tasks["patches-kitchen-seah-16mm-extract-patches"] >> tasks["evaluation-kitchen-seah-tsne-points"]
    tasks["augmentation-kitchen-seah-make-classical-set"] >> tasks["evaluation-kitchen-seah-tsne-points"]
    tasks["augmentation-kitchen-seah-make-synthetic-sets"] >> tasks["evaluation-kitchen-seah-tsne-points"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-kitchen-seah-tstr-study"]
    tasks["patches-kitchen-seah-16mm-extract-patches"] >> tasks["evaluation-kitchen-seah-tstr-study"]
    tasks["augmentation-kitchen-seah-make-synthetic-sets"] >> tasks["evaluation-kitchen-seah-tstr-study"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-mpmri-semi-augmentation-study"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-mpmri-semi-augmentation-study"]
    tasks["augmentation-mpmri-semi-make-classical-set"] >> tasks["evaluation-mpmri-semi-augmentation-study"]
    tasks["augmentation-mpmri-semi-make-synthetic-sets"] >> tasks["evaluation-mpmri-semi-augmentation-study"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-mpmri-semi-check-memorisation"]
    tasks["augmentation-mpmri-semi-make-synthetic-sets"] >> tasks["evaluation-mpmri-semi-check-memorisation"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-mpmri-semi-score-model-sets"]
    tasks["evaluation-mpmri-semi-train-domain-classifier"] >> tasks["evaluation-mpmri-semi-score-model-sets"]
    tasks["augmentation-mpmri-semi-make-synthetic-sets"] >> tasks["evaluation-mpmri-semi-score-model-sets"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-mpmri-semi-score-realism"]
    tasks["evaluation-mpmri-semi-train-domain-classifier"] >> tasks["evaluation-mpmri-semi-score-realism"]
    tasks["augmentation-mpmri-semi-make-synthetic-sets"] >> tasks["evaluation-mpmri-semi-score-realism"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-mpmri-semi-slice-level-accuracy"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-mpmri-semi-slice-level-accuracy"]
    tasks["augmentation-mpmri-semi-make-classical-set"] >> tasks["evaluation-mpmri-semi-slice-level-accuracy"]
    tasks["augmentation-mpmri-semi-make-synthetic-sets"] >> tasks["evaluation-mpmri-semi-slice-level-accuracy"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-mpmri-semi-tsne-points"]
    tasks["augmentation-mpmri-semi-make-classical-set"] >> tasks["evaluation-mpmri-semi-tsne-points"]
    tasks["augmentation-mpmri-semi-make-synthetic-sets"] >> tasks["evaluation-mpmri-semi-tsne-points"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-mpmri-semi-tstr-study"]
    tasks["patches-mpmri-64-extract-patches"] >> tasks["evaluation-mpmri-semi-tstr-study"]
    tasks["augmentation-mpmri-semi-make-synthetic-sets"] >> tasks["evaluation-mpmri-semi-tstr-study"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-prostategan-augmentation-study"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-prostategan-augmentation-study"]
    tasks["augmentation-prostategan-make-classical-set"] >> tasks["evaluation-prostategan-augmentation-study"]
    tasks["augmentation-prostategan-make-synthetic-sets"] >> tasks["evaluation-prostategan-augmentation-study"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-prostategan-check-memorisation"]
    tasks["augmentation-prostategan-make-synthetic-sets"] >> tasks["evaluation-prostategan-check-memorisation"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-prostategan-score-model-sets"]
    tasks["evaluation-prostategan-train-domain-classifier"] >> tasks["evaluation-prostategan-score-model-sets"]
    tasks["augmentation-prostategan-make-synthetic-sets"] >> tasks["evaluation-prostategan-score-model-sets"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-prostategan-score-realism"]
    tasks["evaluation-prostategan-train-domain-classifier"] >> tasks["evaluation-prostategan-score-realism"]
    tasks["augmentation-prostategan-make-synthetic-sets"] >> tasks["evaluation-prostategan-score-realism"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-prostategan-slice-level-accuracy"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-prostategan-slice-level-accuracy"]
    tasks["augmentation-prostategan-make-classical-set"] >> tasks["evaluation-prostategan-slice-level-accuracy"]
    tasks["augmentation-prostategan-make-synthetic-sets"] >> tasks["evaluation-prostategan-slice-level-accuracy"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-prostategan-tsne-points"]
    tasks["augmentation-prostategan-make-classical-set"] >> tasks["evaluation-prostategan-tsne-points"]
    tasks["augmentation-prostategan-make-synthetic-sets"] >> tasks["evaluation-prostategan-tsne-points"]
    tasks["patches-make-patient-splits"] >> tasks["evaluation-prostategan-tstr-study"]
    tasks["patches-prostategan-32-extract-patches"] >> tasks["evaluation-prostategan-tstr-study"]
    tasks["augmentation-prostategan-make-synthetic-sets"] >> tasks["evaluation-prostategan-tstr-study"]
    tasks["gan-training-dcgan64-selection-curve"] >> tasks["gan-training-dcgan64-plot-selection-curve"]
    tasks["gan-training-ddpm-selection-curve"] >> tasks["gan-training-ddpm-plot-selection-curve"]
    tasks["gan-training-kitchen-seah-selection-curve"] >> tasks["gan-training-kitchen-seah-plot-selection-curve"]
    tasks["gan-training-mpmri-semi-selection-curve"] >> tasks["gan-training-mpmri-semi-plot-selection-curve"]
    tasks["gan-training-prostategan-selection-curve"] >> tasks["gan-training-prostategan-plot-selection-curve"]
    tasks["evaluation-dcgan64-augmentation-study"] >> tasks["evaluation-gather-augmentation-predictions"]
    tasks["evaluation-ddpm-augmentation-study"] >> tasks["evaluation-gather-augmentation-predictions"]
    tasks["evaluation-kitchen-seah-augmentation-study"] >> tasks["evaluation-gather-augmentation-predictions"]
    tasks["evaluation-mpmri-semi-augmentation-study"] >> tasks["evaluation-gather-augmentation-predictions"]
    tasks["evaluation-prostategan-augmentation-study"] >> tasks["evaluation-gather-augmentation-predictions"]
    tasks["evaluation-dcgan64-augmentation-study"] >> tasks["evaluation-gather-augmentation-runs"]
    tasks["evaluation-ddpm-augmentation-study"] >> tasks["evaluation-gather-augmentation-runs"]
    tasks["evaluation-kitchen-seah-augmentation-study"] >> tasks["evaluation-gather-augmentation-runs"]
    tasks["evaluation-mpmri-semi-augmentation-study"] >> tasks["evaluation-gather-augmentation-runs"]
    tasks["evaluation-prostategan-augmentation-study"] >> tasks["evaluation-gather-augmentation-runs"]
    tasks["evaluation-dcgan64-check-memorisation"] >> tasks["evaluation-gather-memorisation-summary"]
    tasks["evaluation-ddpm-check-memorisation"] >> tasks["evaluation-gather-memorisation-summary"]
    tasks["evaluation-kitchen-seah-check-memorisation"] >> tasks["evaluation-gather-memorisation-summary"]
    tasks["evaluation-mpmri-semi-check-memorisation"] >> tasks["evaluation-gather-memorisation-summary"]
    tasks["evaluation-prostategan-check-memorisation"] >> tasks["evaluation-gather-memorisation-summary"]
    tasks["evaluation-dcgan64-score-realism"] >> tasks["evaluation-gather-realism-scores"]
    tasks["evaluation-ddpm-score-realism"] >> tasks["evaluation-gather-realism-scores"]
    tasks["evaluation-kitchen-seah-score-realism"] >> tasks["evaluation-gather-realism-scores"]
    tasks["evaluation-mpmri-semi-score-realism"] >> tasks["evaluation-gather-realism-scores"]
    tasks["evaluation-prostategan-score-realism"] >> tasks["evaluation-gather-realism-scores"]
    tasks["evaluation-dcgan64-slice-level-accuracy"] >> tasks["evaluation-gather-sca-predictions"]
    tasks["evaluation-ddpm-slice-level-accuracy"] >> tasks["evaluation-gather-sca-predictions"]
    tasks["evaluation-kitchen-seah-slice-level-accuracy"] >> tasks["evaluation-gather-sca-predictions"]
    tasks["evaluation-mpmri-semi-slice-level-accuracy"] >> tasks["evaluation-gather-sca-predictions"]
    tasks["evaluation-prostategan-slice-level-accuracy"] >> tasks["evaluation-gather-sca-predictions"]
    tasks["evaluation-dcgan64-slice-level-accuracy"] >> tasks["evaluation-gather-sca-runs"]
    tasks["evaluation-ddpm-slice-level-accuracy"] >> tasks["evaluation-gather-sca-runs"]
    tasks["evaluation-kitchen-seah-slice-level-accuracy"] >> tasks["evaluation-gather-sca-runs"]
    tasks["evaluation-mpmri-semi-slice-level-accuracy"] >> tasks["evaluation-gather-sca-runs"]
    tasks["evaluation-prostategan-slice-level-accuracy"] >> tasks["evaluation-gather-sca-runs"]
    tasks["evaluation-dcgan64-score-model-sets"] >> tasks["evaluation-gather-set-scores"]
    tasks["evaluation-ddpm-score-model-sets"] >> tasks["evaluation-gather-set-scores"]
    tasks["evaluation-kitchen-seah-score-model-sets"] >> tasks["evaluation-gather-set-scores"]
    tasks["evaluation-mpmri-semi-score-model-sets"] >> tasks["evaluation-gather-set-scores"]
    tasks["evaluation-prostategan-score-model-sets"] >> tasks["evaluation-gather-set-scores"]
    tasks["evaluation-dcgan64-tstr-study"] >> tasks["evaluation-gather-tstr-predictions"]
    tasks["evaluation-ddpm-tstr-study"] >> tasks["evaluation-gather-tstr-predictions"]
    tasks["evaluation-kitchen-seah-tstr-study"] >> tasks["evaluation-gather-tstr-predictions"]
    tasks["evaluation-mpmri-semi-tstr-study"] >> tasks["evaluation-gather-tstr-predictions"]
    tasks["evaluation-prostategan-tstr-study"] >> tasks["evaluation-gather-tstr-predictions"]
    tasks["evaluation-dcgan64-tstr-study"] >> tasks["evaluation-gather-tstr-runs"]
    tasks["evaluation-ddpm-tstr-study"] >> tasks["evaluation-gather-tstr-runs"]
    tasks["evaluation-kitchen-seah-tstr-study"] >> tasks["evaluation-gather-tstr-runs"]
    tasks["evaluation-mpmri-semi-tstr-study"] >> tasks["evaluation-gather-tstr-runs"]
    tasks["evaluation-prostategan-tstr-study"] >> tasks["evaluation-gather-tstr-runs"]
    tasks["evaluation-dcgan64-augmentation-study"] >> tasks["reporting-dcgan64-plot-learning-curves-augmentation"]
    tasks["evaluation-dcgan64-check-memorisation"] >> tasks["reporting-dcgan64-plot-memorisation-distances"]
    tasks["evaluation-dcgan64-check-memorisation"] >> tasks["reporting-dcgan64-plot-memorisation-pairs"]
    tasks["evaluation-dcgan64-augmentation-study"] >> tasks["reporting-dcgan64-plot-roc-augmentation"]
    tasks["evaluation-dcgan64-tstr-study"] >> tasks["reporting-dcgan64-plot-roc-tstr"]
    tasks["evaluation-dcgan64-tsne-points"] >> tasks["reporting-dcgan64-plot-tsne"]
    tasks["evaluation-ddpm-augmentation-study"] >> tasks["reporting-ddpm-plot-learning-curves-augmentation"]
    tasks["evaluation-ddpm-check-memorisation"] >> tasks["reporting-ddpm-plot-memorisation-distances"]
    tasks["evaluation-ddpm-check-memorisation"] >> tasks["reporting-ddpm-plot-memorisation-pairs"]
    tasks["evaluation-ddpm-augmentation-study"] >> tasks["reporting-ddpm-plot-roc-augmentation"]
    tasks["evaluation-ddpm-tstr-study"] >> tasks["reporting-ddpm-plot-roc-tstr"]
    tasks["evaluation-ddpm-tsne-points"] >> tasks["reporting-ddpm-plot-tsne"]
    tasks["evaluation-kitchen-seah-augmentation-study"] >> tasks["reporting-kitchen-seah-plot-learning-curves-augmentation"]
    tasks["evaluation-kitchen-seah-check-memorisation"] >> tasks["reporting-kitchen-seah-plot-memorisation-distances"]
    tasks["evaluation-kitchen-seah-check-memorisation"] >> tasks["reporting-kitchen-seah-plot-memorisation-pairs"]
    tasks["evaluation-kitchen-seah-augmentation-study"] >> tasks["reporting-kitchen-seah-plot-roc-augmentation"]
    tasks["evaluation-kitchen-seah-tstr-study"] >> tasks["reporting-kitchen-seah-plot-roc-tstr"]
    tasks["evaluation-kitchen-seah-tsne-points"] >> tasks["reporting-kitchen-seah-plot-tsne"]
    tasks["evaluation-mpmri-semi-augmentation-study"] >> tasks["reporting-mpmri-semi-plot-learning-curves-augmentation"]
    tasks["evaluation-mpmri-semi-check-memorisation"] >> tasks["reporting-mpmri-semi-plot-memorisation-distances"]
    tasks["evaluation-mpmri-semi-check-memorisation"] >> tasks["reporting-mpmri-semi-plot-memorisation-pairs"]
    tasks["evaluation-mpmri-semi-augmentation-study"] >> tasks["reporting-mpmri-semi-plot-roc-augmentation"]
    tasks["evaluation-mpmri-semi-tstr-study"] >> tasks["reporting-mpmri-semi-plot-roc-tstr"]
    tasks["evaluation-mpmri-semi-tsne-points"] >> tasks["reporting-mpmri-semi-plot-tsne"]
    tasks["evaluation-prostategan-augmentation-study"] >> tasks["reporting-prostategan-plot-learning-curves-augmentation"]
    tasks["evaluation-prostategan-check-memorisation"] >> tasks["reporting-prostategan-plot-memorisation-distances"]
    tasks["evaluation-prostategan-check-memorisation"] >> tasks["reporting-prostategan-plot-memorisation-pairs"]
    tasks["evaluation-prostategan-augmentation-study"] >> tasks["reporting-prostategan-plot-roc-augmentation"]
    tasks["evaluation-prostategan-tstr-study"] >> tasks["reporting-prostategan-plot-roc-tstr"]
    tasks["evaluation-prostategan-tsne-points"] >> tasks["reporting-prostategan-plot-tsne"]
    tasks["evaluation-gather-sca-runs"] >> tasks["evaluation-compare-models"]
    tasks["evaluation-gather-set-scores"] >> tasks["evaluation-compare-models"]
    tasks["evaluation-gather-augmentation-predictions"] >> tasks["evaluation-paired-comparisons"]
    tasks["evaluation-gather-sca-predictions"] >> tasks["evaluation-paired-comparisons"]
    tasks["evaluation-gather-tstr-predictions"] >> tasks["evaluation-paired-comparisons"]
    tasks["evaluation-gather-augmentation-predictions"] >> tasks["evaluation-summarise-augmentation-study"]
    tasks["evaluation-gather-tstr-predictions"] >> tasks["evaluation-summarise-tstr"]
    tasks["evaluation-gather-memorisation-summary"] >> tasks["reporting-memorisation-tables"]
    tasks["evaluation-gather-realism-scores"] >> tasks["reporting-realism-tables"]
    tasks["evaluation-paired-comparisons"] >> tasks["evaluation-verdict-sentences"]
    tasks["evaluation-gather-augmentation-runs"] >> tasks["reporting-augmentation-study-tables"]
    tasks["evaluation-summarise-augmentation-study"] >> tasks["reporting-augmentation-study-tables"]
    tasks["evaluation-summarise-augmentation-study"] >> tasks["reporting-dcgan64-plot-intervals-augmentation"]
    tasks["evaluation-summarise-augmentation-study"] >> tasks["reporting-ddpm-plot-intervals-augmentation"]
    tasks["evaluation-gather-realism-scores"] >> tasks["reporting-gan-comparison-tables"]
    tasks["evaluation-compare-models"] >> tasks["reporting-gan-comparison-tables"]
    tasks["evaluation-summarise-augmentation-study"] >> tasks["reporting-kitchen-seah-plot-intervals-augmentation"]
    tasks["evaluation-compare-models"] >> tasks["reporting-log-mlflow-metrics"]
    tasks["evaluation-paired-comparisons"] >> tasks["reporting-log-mlflow-metrics"]
    tasks["evaluation-summarise-augmentation-study"] >> tasks["reporting-log-mlflow-metrics"]
    tasks["evaluation-summarise-tstr"] >> tasks["reporting-log-mlflow-metrics"]
    tasks["reporting-realism-tables"] >> tasks["reporting-log-mlflow-metrics"]
    tasks["evaluation-summarise-augmentation-study"] >> tasks["reporting-mpmri-semi-plot-intervals-augmentation"]
    tasks["evaluation-paired-comparisons"] >> tasks["reporting-plot-paired-comparisons"]
    tasks["evaluation-summarise-augmentation-study"] >> tasks["reporting-prostategan-plot-intervals-augmentation"]
    tasks["evaluation-compare-models"] >> tasks["reporting-table-ii"]
    tasks["evaluation-gather-tstr-runs"] >> tasks["reporting-tstr-tables"]
    tasks["evaluation-summarise-tstr"] >> tasks["reporting-tstr-tables"]
    tasks["evaluation-paired-comparisons"] >> tasks["reporting-paired-comparisons"]
    tasks["evaluation-verdict-sentences"] >> tasks["reporting-paired-comparisons"]
    tasks["patches-make-patient-splits"] >> tasks["reporting-write-report"]
    tasks["evaluation-gather-augmentation-runs"] >> tasks["reporting-write-report"]
    tasks["evaluation-gather-tstr-runs"] >> tasks["reporting-write-report"]
    tasks["evaluation-compare-models"] >> tasks["reporting-write-report"]
    tasks["reporting-memorisation-tables"] >> tasks["reporting-write-report"]
    tasks["reporting-realism-tables"] >> tasks["reporting-write-report"]
    tasks["reporting-augmentation-study-tables"] >> tasks["reporting-write-report"]
    tasks["reporting-gan-comparison-tables"] >> tasks["reporting-write-report"]
    tasks["reporting-table-ii"] >> tasks["reporting-write-report"]
    tasks["reporting-tstr-tables"] >> tasks["reporting-write-report"]
    tasks["reporting-paired-comparisons"] >> tasks["reporting-write-report"]


medsynth_pipeline_prostate_gan_demo()
