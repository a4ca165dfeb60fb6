package org.albertkeras.demo

import android.content.Context
import org.albertkeras.demo.core.ModelCatalog
import java.io.FileNotFoundException

/** Reads `assets/models.json` (written by android_demo/place_models.py) into a [ModelCatalog]. */
object BundledModels {
    const val MANIFEST = "models.json"

    /** The catalog; an empty one when no models were placed (the picker then says how to). */
    fun load(context: Context): ModelCatalog = try {
        context.assets.open(MANIFEST).bufferedReader(Charsets.UTF_8).use {
            ModelCatalog.parse(it.readText())
        }
    } catch (missing: FileNotFoundException) {
        ModelCatalog(emptyList())
    }
}
