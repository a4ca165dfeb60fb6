package org.albertkeras.demo

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.rememberScrollState
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import org.albertkeras.demo.core.ModelChoice

/** One chip per bundled quantization mode, the chosen model's line, and skipped files. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun ModelPicker(choice: ModelChoice, enabled: Boolean, onSelect: (String) -> Unit) {
    Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Row(
            modifier = Modifier.horizontalScroll(rememberScrollState()),
            horizontalArrangement = Arrangement.spacedBy(8.dp)
        ) {
            choice.modes.forEach { mode ->
                FilterChip(
                    selected = mode == choice.selected,
                    onClick = { onSelect(mode) },
                    enabled = enabled,
                    label = { Text(mode) }
                )
            }
        }
        Text(choice.description, style = MaterialTheme.typography.bodySmall)
        choice.problems.forEach {
            Text("skipped: $it", style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.error)
        }
    }
}
