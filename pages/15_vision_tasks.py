"""Vision tasks beyond a label: one generated scene classified, detected and segmented by three small models
trained here; IoU and NMS stepped; a one-stage detector's grid, anchors and mAP; a U-Net's skips and losses."""
import streamlit as st

import ui
from demos.vision_tasks import boxes, detector_view, grid, metrics, nms_view, scenes, tasks, unet_view, vit_view
from models.registry import metadata

page = ui.page_setup(__file__)

# Controls: a held-out scene or your own picture, how sure a box must be, whether to draw the true boxes
row = ui.control_columns([2, 2, 3, 2])
with row[0]:
    source = ui.select("Picture", "source", ["scene", "upload"],
                       format_func={"scene": "A held-out scene", "upload": "Your own picture"}.get)
with row[1]:
    index = ui.number("Held-out scene", "scene", *tasks.SCENE_RANGE, 0,
                      help="Test scenes are drawn from seeds no model saw in training")
with row[2]:
    score = ui.slider("Detection score threshold", "score", *tasks.SCORE_RANGE, tasks.SCORE_DEFAULT, step=0.05)
with row[3]:
    truth_on = ui.toggle("True boxes (dotted)", "truth", True)
with ui.more_controls():
    nms_iou = ui.slider("NMS IoU threshold", "nms", *tasks.NMS_RANGE, tasks.NMS_DEFAULT, step=0.05,
                        help="A box whose IoU with a higher-scoring box of its class is above this is removed")

# Hero: the scene (or your picture, shrunk to 64 px), and what each of the three models says about it
detector, unet = ui.model("shape_detector"), ui.model("shape_unet")
scene = ui.cached(scenes.scene, scenes.split_seed("test", index))
picture, picture_id = ui.image_upload("Your picture", "upload") if source == "upload" else (None, "")
if source == "upload" and picture is None:
    st.info("Upload a picture to run the three models on it; until then they run on the held-out scene.", icon="🖼️")
if picture is not None:
    image = ui.cached(tasks.scene_input, picture, key=("upload", picture_id))
    problem = tasks.out_of_world(image)
    if problem:
        st.warning(f"This picture is outside the models' world: {problem}. They were trained only on flat circles, "
                   "rectangles and triangles on a plain ground, so read what follows as their guess.", icon="🌍")
result = ui.cached(tasks.run_tasks, detector, unet, scene.image, score, nms_iou, scene,
                   key=("scene", index, score, nms_iou))
shown = result if picture is None else ui.cached(tasks.run_tasks, detector, unet, image, score, nms_iou,
                                                 key=(picture_id, score, nms_iou))
ui.chart(tasks.tasks_figure(shown, truth_on, height=470 if ui.is_presenting() else 340),
         tasks.tasks_caption(shown, score), key="hero")
ui.section("Models")
ui.end_of_hero()

# Secondary views, one lazy tab each
if picture is not None:
    st.caption(f"The tabs below show held-out scene {index}: their views need the scene's true boxes and masks.")
view, box = ui.tabs("view", ["IoU and NMS", "One-stage detector", "U-Net", "Vision transformer"])
with box:
    if view == "IoU and NMS":
        ui.section("IoU")
        c = st.columns(4)
        with c[0]:
            bx = ui.slider("Box B: x", "bx", *nms_view.MOVE_RANGE, nms_view.B_DEFAULT["x"])
        with c[1]:
            by = ui.slider("Box B: y", "by", *nms_view.MOVE_RANGE, nms_view.B_DEFAULT["y"])
        with c[2]:
            bw = ui.slider("Box B: width", "bw", *nms_view.SIDE_RANGE, nms_view.B_DEFAULT["w"])
        with c[3]:
            bh = ui.slider("Box B: height", "bh", *nms_view.SIDE_RANGE, nms_view.B_DEFAULT["h"])
        b = (float(bx), float(by), float(bx + bw), float(by + bh))
        ui.chart(nms_view.iou_figure(nms_view.BOX_A, b), nms_view.iou_caption(nms_view.iou_parts(nms_view.BOX_A, b)))
        ui.section("NMS")
        nms_score = ui.slider("Score threshold before NMS", "nms_score", 0.01, 0.9, nms_view.NMS_SCORE_DEFAULT,
                              step=0.01)
        d, steps = nms_view.stepping(result.raw, nms_score, nms_iou)
        ui.chart(nms_view.nms_figure(scene.image, d, steps, nms_iou),
                 nms_view.nms_caption(result.raw, d, steps, nms_score, nms_iou), key="nms_replay")
        st.dataframe(nms_view.steps_table(d, steps), hide_index=True)
    elif view == "One-stage detector":
        ui.section("Grid")
        anchors, targets, objectness = detector_view.grid_parts(scene, detector, result.grid_out)
        ui.chart(detector_view.grid_figure(scene, targets, objectness),
                 detector_view.grid_caption(scene, targets, objectness, anchors))
        ui.section("Anchors")
        k = ui.slider("Anchors k (the detector was trained with 2)", "k", *detector_view.K_RANGE,
                      detector_view.K_DEFAULT)
        wh = ui.cached(detector_view.training_boxes)
        centres, owner = ui.cached(grid.kmeans_anchors, wh, k, key=("kmeans", k))
        ui.chart(detector_view.anchors_figure(wh, centres, owner), detector_view.anchors_caption(wh, centres))
        ui.section("mAP")
        m, curves = ui.cached(detector_view.held_out_pr, detector, nms_iou, key=("pr", nms_iou))
        ui.chart(detector_view.pr_figure(curves, score), detector_view.pr_caption(m, curves, score), export="pr")
        ui.section("Training")
        card, replay = metadata("shape_detector"), ui.cached(detector_view.load_replay)
        watched = ui.slider("Watched validation scene", "watched", 1, len(replay["validation_scenes"]), 1)
        ui.chart(ui.cached(detector_view.training_figure, card, replay, watched - 1, score, nms_iou,
                           key=("training", watched, score, nms_iou)), detector_view.training_caption(card),
                 key="training")
    elif view == "U-Net":
        ui.section("U-Net")
        ui.chart(unet_view.masks_figure(scene.image, scene.mask, result.mask),
                 unet_view.masks_caption(scene.mask, result.mask))
        nets = {"unet": unet, "noskip": ui.model("shape_unet_noskip"), "dice": ui.model("shape_unet_dice")}
        masks = ui.cached(unet_view.variant_masks, nets, unet_view.scene_input(scene), key=("variants", index))
        ui.chart(unet_view.variants_figure(scene.image, masks), unet_view.variants_caption(masks, scene.mask))
        scores = ui.cached(unet_view.held_out_scores, nets, key="held_out_scores")
        metric = ui.select("Per-class score", "metric", ["iou", "dice"], format_func={"iou": "IoU", "dice": "Dice"}.get)
        ui.chart(unet_view.scores_figure(scores, metric), unet_view.scores_caption(scores), export="unet_scores")
        ui.section("Skips and losses")
    else:
        ui.section("ViT")
        vit = ui.model("digit_vit")
        digit = ui.slider("Held-out digit", "digit", *vit_view.DIGIT_RANGE, 0)
        image, side = ui.mnist().test_images[digit], vit_view.grid_side(vit)
        ui.chart(vit_view.patches_figure(image, vit.config.patch),
                 f"{side * side} patches of {vit.config.patch} × {vit.config.patch} px become {side * side} tokens "
                 f"of width {vit.config.dim} (one linear map of the {vit.config.patch ** 2} pixels), after a learned "
                 "CLS token; a learned position embedding is added to each.")
        logits, maps = ui.cached(vit_view.attention, vit, image, key=("vit", digit))
        ui.chart(vit_view.cls_figure(image, maps, side), vit_view.cls_caption(logits, maps))
        sim = vit_view.position_similarity(vit)
        ui.chart(vit_view.position_figure(sim, side), vit_view.position_caption(sim, side))
        cards = {"ViT": metadata("digit_vit"), "CNN": metadata("digit_cnn_small")}
        ui.chart(vit_view.comparison_figure(cards), vit_view.comparison_caption(cards))
        ui.section("ViT data")

ui.key_ideas()
ui.show_code(boxes.iou, boxes.nms_steps, grid.assign, grid.detection_loss, grid.decode, grid.kmeans_anchors,
             metrics.average_precision, metrics.mask_scores, metrics.soft_dice_loss, vit_view.rollout)
