"""The app through Flask's test client: blinding, answers, resuming, bad input."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from medsynth_pipeline.reader_study.app import create_app
from medsynth_pipeline.reader_study.render import png_chunks
from medsynth_pipeline.reader_study.store import AnswerStore, StudyMismatchError, load_answers
from medsynth_pipeline.reader_study.study import select_study_items, study_fingerprint

TOKEN_RE = re.compile(r'name="image" value="([^"]+)"')


@pytest.fixture
def study(real_set, synthetic_set):
    return select_study_items(*real_set, *synthetic_set, n_per_group=2, seed=3)


@pytest.fixture
def client(study, tmp_path):
    images, key = study
    app = create_app(images, key, tmp_path / "answers.sqlite", channels=[0, 1], panel_px=32)
    return app.test_client()


def _start(client, name: str) -> str:
    response = client.post("/", data={"reader": name})
    assert response.status_code == 303
    return response.headers["Location"]


def test_reader_answers_every_image_once(client, study, tmp_path) -> None:
    images, key = study
    url = _start(client, "reader A")
    seen = []
    for number in range(1, len(key) + 1):
        page = client.get(url).get_data(as_text=True)
        assert f"Image {number} of {len(key)}" in page
        token = TOKEN_RE.search(page).group(1)
        seen.append(token)
        assert client.get(f"/image/{token}").mimetype == "image/png"
        answer = {"image": token, "origin": "real" if number % 2 else "synthetic", "lesion": "lesion"}
        assert client.post(url, data=answer).status_code == 303
        # a resubmitted form (back button) is accepted but does not count twice or change the answer
        assert client.post(url, data={**answer, "lesion": "no_lesion"}).status_code == 303
    assert "all 8 images are answered" in client.get(url).get_data(as_text=True)
    answers, fingerprint = load_answers(tmp_path / "answers.sqlite")
    assert fingerprint == study_fingerprint(images, key)
    assert len(answers) == len(key) == len(set(seen))
    assert sorted(answers["item_id"]) == list(range(len(key)))
    assert answers["position"].tolist() == list(range(len(key)))
    assert answers["answered_real"].tolist() == [True, False] * (len(key) // 2)
    assert answers["answered_lesion"].all()


def test_pages_are_blind(client, study) -> None:
    images, key = study
    url = _start(client, "reader B")
    pages, pngs = [], []
    for _ in range(len(key)):
        page = client.get(url).get_data(as_text=True)
        token = TOKEN_RE.search(page).group(1)
        pages.append(page.replace(token, "TOKEN").replace(re.search(r"Image \d+", page).group(0), "Image N"))
        pngs.append(client.get(f"/image/{token}").get_data())
        client.post(url, data={"image": token, "origin": "real", "lesion": "lesion"})
    # apart from the token and the counter, every page is the same, whatever the image's origin
    assert set(key["origin"]) == {"real", "synthetic"}
    assert len(set(pages)) == 1
    headers = {png_chunks(data)[0] for data in pngs}
    assert len(headers) == 1  # one size, depth and colour type for all
    assert all({kind for kind, _ in png_chunks(d)} == {"IHDR", "IDAT", "IEND"} for d in pngs)


def test_readers_get_their_own_random_order(client, study) -> None:
    first_a = TOKEN_RE.search(client.get(_start(client, "A")).get_data(as_text=True)).group(1)
    first_b = TOKEN_RE.search(client.get(_start(client, "B")).get_data(as_text=True)).group(1)
    assert first_a != first_b  # tokens are per reader, never the item number
    assert _start(client, "A") == _start(client, "A")  # the same name resumes


def test_incomplete_answer_is_refused(client) -> None:
    url = _start(client, "C")
    token = TOKEN_RE.search(client.get(url).get_data(as_text=True)).group(1)
    response = client.post(url, data={"image": token, "origin": "real"})
    assert response.status_code == 400 and "answer both questions" in response.get_data(as_text=True)
    assert "Image 1 of" in client.get(url).get_data(as_text=True)


def test_unknown_tokens_are_404(client) -> None:
    assert client.get("/image/0").status_code == 404
    assert client.get("/r/nobody").status_code == 404
    url = _start(client, "D")
    assert client.post(url, data={"image": "forged", "origin": "real", "lesion": "lesion"}).status_code == 404


def test_answers_file_of_another_study_is_refused(study, tmp_path, real_set, synthetic_set) -> None:
    images, key = study
    AnswerStore(tmp_path / "a.sqlite", study_fingerprint(images, key), len(key))
    other_images, other_key = select_study_items(*real_set, *synthetic_set, n_per_group=2, seed=4)
    with pytest.raises(StudyMismatchError, match="a.sqlite"):
        create_app(other_images, other_key, tmp_path / "a.sqlite", channels=[0], panel_px=16)


def test_missing_answers_file_names_it(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="nothing.sqlite"):
        load_answers(tmp_path / "nothing.sqlite")
    (tmp_path / "junk.sqlite").write_bytes(b"not a database at all, just bytes" * 10)
    with pytest.raises(ValueError, match="junk.sqlite"):
        load_answers(tmp_path / "junk.sqlite")


def test_key_must_match_images(study, tmp_path) -> None:
    images, key = study
    with pytest.raises(ValueError, match="item_id"):
        create_app(images[:-1], key, tmp_path / "x.sqlite", channels=[0], panel_px=16)
    assert isinstance(key, pd.DataFrame)
