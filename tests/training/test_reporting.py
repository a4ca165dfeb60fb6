"""The CSV log is read back and drawn as a PNG."""


from albert_keras.training import reporting


def test_plot_from_csv(tmp_path):
    log = tmp_path / "metrics.csv"
    # a resumed run appends (epoch 1 again) and DevScores-only columns have no train twin
    log.write_text("epoch,loss,accuracy,val_accuracy,val_f1\n0,1.0,0.5,0.55,0.1\n"
                   "1,0.7,0.6,0.62,\n1,0.6,0.65,0.64,0.3\n")
    columns = reporting.read_log(str(log))
    assert columns["val_accuracy"] == [(0, 0.55), (1, 0.64)]
    assert columns["val_f1"] == [(0, 0.1), (1, 0.3)]
    png = reporting.plot_curves(str(log), str(tmp_path / "curves.png"))
    with open(png, "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
